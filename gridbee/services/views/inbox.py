"""The inbox page: case messages and notices, the unread ones marked as such until the user
marks them read, one by one or all at once; live on the user's topic."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gridbee.core.errors import DomainError

from ..actions_inbox import mark_one_read, mark_read
from ..inbox import items_for


@login_required
def inbox(request):
    items = items_for(request.user)
    unread = any(not item["read"] for item in items)
    return render(request, "services/inbox.html", {"items": items, "unread": unread})


@login_required
@require_POST
def read(request):
    """Mark one message read (its source and id), or all of them when none is named."""
    source, item_id = request.POST.get("source"), request.POST.get("id")
    if source or item_id:
        try:
            mark_one_read(request.user, source, item_id)
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        mark_read(request.user)
    return redirect("inbox")
