from .queries import unread_counts


def inbox(request) -> dict:
    """The header's unread count, for pages of a signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": unread_counts(user)["total"]}
