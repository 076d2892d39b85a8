"""A home page per role: what that role does here, as cards linking its pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gridbee.alerts.queries import alert_scope
from gridbee.people.choices import Role


@login_required
def home(request):
    role = request.user.role if request.user.role in Role.values else Role.PARTNER
    return render(
        request,
        f"site/home/{role}.html",
        {
            "role": Role(role),
            "role_label": Role(role).label,
            # A department's card for the alert console: the county's police only.
            "publishes_alerts": role == Role.DEPARTMENT and alert_scope(request.user) is not None,
        },
    )
