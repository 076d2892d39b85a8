from django.contrib import admin
from django.urls import include, path

from gridbee.api import api

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("gridbee.people.urls")),
    path("", include("gridbee.core.urls")),
]
