from django.contrib import admin
from django.urls import include, path

from gridbee.api import api

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("open311/v2/", include("gridbee.reports.open311.urls")),
    path("", include("gridbee.reports.urls")),
    path("", include("gridbee.cases.urls")),
    path("", include("gridbee.rewards.urls")),
    path("", include("gridbee.claims.urls")),
    path("", include("gridbee.alerts.urls")),
    path("", include("gridbee.services.urls")),
    path("", include("gridbee.stats.urls")),
    path("", include("gridbee.people.urls")),
    path("", include("gridbee.site.urls")),
]

# A page raising PermissionDenied shows the same refusal page as one answering refusal().
handler403 = "gridbee.core.pages.permission_denied"
