"""Where a request comes from, behind the reverse proxies we trust (GRIDBEE_TRUSTED_PROXIES)."""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The client's address: the peer's, unless the peer is one of settings.TRUSTED_PROXIES;
    then X-Forwarded-For is walked from the right (each hop appends the address it was reached
    from), past the trusted proxies, to the first address none of them is: what lies left of it
    was written by the client and proves nothing. None when there is no valid address."""
    hop = _ip(request.META.get("REMOTE_ADDR"))
    if hop is None or not _trusted(hop):
        return str(hop) if hop else None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([e.strip() for e in forwarded.split(",") if e.strip()]):
        address = _ip(entry)
        if address is None:  # garbage a trusted proxy passed on: stop at that proxy
            break
        hop = address
        if not _trusted(hop):
            break
    return str(hop)


def _ip(value) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:1.2.3.4) is that IPv4 client.
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)
