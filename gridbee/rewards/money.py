"""Money is counted in fen (分), integers only; yuan (元) exist only as text for people and
files. No float ever holds an amount."""

from decimal import Decimal


def yuan(fen: int) -> str:
    """5000 → "50.00"; -150 → "-1.50". Integer arithmetic only."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}.{cents:02d}"


def yuan_label(fen: int) -> str:
    """5000 → "¥50.00", 1234500 → "¥12,345.00", for pages."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def yuan_decimal(fen: int) -> Decimal:
    """The exact amount in yuan as a Decimal (for spreadsheets, which store numbers)."""
    return Decimal(int(fen)).scaleb(-2)
