"""The hotline page (专人专岗应哨): the operator on duty records a phoned-in report (the place
on a map, category, urgency, a line, the callback number) and sees the calls taken."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridbee.cases.models import Category
from gridbee.core.authz import Perm
from gridbee.core.errors import CommonError, DomainError
from gridbee.core.numbers import Latitude, Longitude, from_form
from gridbee.core.pages import needs, show_refusal
from gridbee.geo.choices import Crs
from gridbee.geo.maps import MAP_CENTER, MAP_ZOOM

from .. import hotline


@needs(Perm.CASES_TRIAGE)
def hotline_page(request):
    status = 200
    if request.method == "POST":
        post = request.POST
        try:
            lat = from_form(post.get("lat"), Latitude, field="lat")
            lon = from_form(post.get("lon"), Longitude, field="lon")
            if lat is None or lon is None:
                raise DomainError(CommonError.INVALID_INPUT, field="lat")
            answer, _created = hotline.record_call(
                request.user,
                idempotency_key=post.get("idempotency_key", ""),
                category_code=post.get("category", ""),
                lat=lat,
                lon=lon,
                crs=post.get("crs") or Crs.WGS84,
                urgent=post.get("urgent") == "on",
                text=post.get("text", ""),
                callback=post.get("callback", ""),
            )
        except DomainError as error:
            show_refusal(request, error)
            status = 400
        else:
            messages.success(request, _("Recorded as case #%(id)s.") % answer["case"])
            return redirect("console-case", case_id=answer["case"]["id"])
    context = {
        "categories": Category.objects.filter(active=True),
        "calls": hotline.calls_for(request.user)[:30],
        "idempotency_key": uuid.uuid4().hex,
        "crs_choices": Crs.choices,
        "form": request.POST,
        "map_config": {"center": MAP_CENTER, "zoom": MAP_ZOOM, "tileUrl": settings.TILE_URL},
    }
    return render(request, "reports/hotline.html", context, status=status)
