"""The inbox page: case messages and notices, marked read once shown; live on the user's topic."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..actions_inbox import mark_read
from ..inbox import items_for


@login_required
def inbox(request):
    items = items_for(request.user)  # read before marking: the page shows what was new
    mark_read(request.user)
    return render(request, "services/inbox.html", {"items": items})
