from django.utils.functional import SimpleLazyObject

from .queries import unread_counts


def inbox(request) -> dict:
    """The header's unread count, for pages of a signed-in user. Lazy: the counts are only asked
    for when a template shows the badge, not by fragments rendered with the request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": SimpleLazyObject(lambda: unread_counts(user)["total"])}
