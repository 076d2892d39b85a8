"""The points ledger: the only code that writes PointsEntry. Every change locks the partner's
account row, appends one entry and moves the cached balance in the same transaction, so a
balance never goes below zero (also a database constraint) and an entry's `key` lands once,
whatever runs concurrently."""

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from gridbee.core.errors import DomainError
from gridbee.people.choices import PartnerStatus

from .choices import EARNING_KINDS, EntryKind
from .errors import RewardsError
from .models import EarningRules, PointsAccount, PointsEntry


def rules_for(county_id) -> EarningRules:
    rules = EarningRules.objects.filter(county_id=county_id).first()
    return rules or EarningRules(county_id=county_id)


def balance(partner) -> int:
    account = PointsAccount.objects.filter(partner=partner).values_list("balance", flat=True)
    return account.first() or 0


def ledger_sum(partner) -> int:
    """The balance as the ledger has it; the cached one must always equal it."""
    return PointsEntry.objects.filter(partner=partner).aggregate(s=Sum("amount"))["s"] or 0


def award(
    partner, kind: str, *, key: str, amount: int | None = None, **source
) -> PointsEntry | None:
    """Credit points for an earning `kind` once per `key`. The amount defaults to the county's
    rule for the kind, and is cut to what the daily cap leaves. Returns the entry (the existing
    one when `key` was awarded before), or None when nothing is due: a partner not active, a
    rule of zero, the cap reached."""
    assert kind in EARNING_KINDS, kind
    with transaction.atomic():
        account = _lock(partner)
        existing = PointsEntry.objects.filter(key=key).first()
        if existing is not None:
            return existing
        if partner.status != PartnerStatus.ACTIVE:
            return None
        rules = rules_for(partner.county_id)
        due = _rule_amount(rules, kind) if amount is None else amount
        today = timezone.localdate()
        earned_today = (
            PointsEntry.objects.filter(
                partner=partner, day=today, kind__in=EARNING_KINDS
            ).aggregate(s=Sum("amount"))["s"]
            or 0
        )
        due = min(due, max(rules.daily_cap - earned_today, 0))
        if due <= 0:
            return None
        return _append(account, due, kind, key, **source)


def debit(partner, amount: int, *, kind: str, key: str, **source) -> PointsEntry:
    """Take points (a redemption) or refuse with INSUFFICIENT_POINTS; the caller's transaction
    decides the rest (stock, order). Call inside transaction.atomic()."""
    if amount <= 0:
        raise DomainError(RewardsError.INVALID_AMOUNT)
    account = _lock(partner)
    if account.balance < amount:
        raise DomainError(RewardsError.INSUFFICIENT_POINTS)
    return _append(account, -amount, kind, key, **source)


def credit(partner, amount: int, *, kind: str, key: str, **source) -> PointsEntry:
    """Give points back (a refund) once per key, outside caps. Call inside transaction.atomic()."""
    account = _lock(partner)
    existing = PointsEntry.objects.filter(key=key).first()
    return existing or _append(account, amount, kind, key, **source)


def adjust(partner, amount: int, *, actor, note: str) -> PointsEntry:
    """A correction by staff: a new entry, never an edit. Cannot take the balance below zero."""
    if not amount:
        raise DomainError(RewardsError.INVALID_AMOUNT)
    if not note.strip():
        raise DomainError(RewardsError.NOTE_REQUIRED)
    with transaction.atomic():
        account = _lock(partner)
        if account.balance + amount < 0:
            raise DomainError(RewardsError.INSUFFICIENT_POINTS)
        key = f"adjustment:{partner.pk}:{account.entry_count + 1}"
        return _append(account, amount, EntryKind.ADJUSTMENT, key, actor=actor, note=note.strip())


def _rule_amount(rules: EarningRules, kind: str) -> int:
    return {
        EntryKind.FIRST_REPORT: rules.first_report_points,
        EntryKind.REPORT: rules.report_points,
        EntryKind.CHECK_IN: rules.check_in_points,
        EntryKind.ACTIVITY: rules.activity_points,
        EntryKind.ALERT: rules.alert_points,
    }[kind]


def _lock(partner) -> PointsAccount:
    """The partner's account, locked for this transaction (created on first use)."""
    account = PointsAccount.objects.select_for_update().filter(partner=partner).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            PointsAccount.objects.create(partner=partner, county_id=partner.county_id)
    except IntegrityError:
        pass  # created meanwhile by a concurrent first use
    return PointsAccount.objects.select_for_update().get(partner=partner)


def _append(account: PointsAccount, amount: int, kind: str, key: str, **source) -> PointsEntry:
    account.balance += amount
    account.entry_count += 1
    account.save(update_fields=["balance", "entry_count"])
    return PointsEntry.objects.create(
        partner_id=account.partner_id,
        county_id=account.county_id,
        amount=amount,
        kind=kind,
        key=key,
        balance_after=account.balance,
        day=timezone.localdate(),
        **source,
    )
