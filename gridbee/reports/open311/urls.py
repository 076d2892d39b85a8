"""/open311/v2/…: every resource as .json, .xml, or without an extension (JSON)."""

from django.urls import re_path

from . import views

app_name = "open311"
FMT = r"(?:\.(?P<fmt>json|xml))?$"

urlpatterns = [
    re_path(rf"^discovery{FMT}", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}", views.services, name="services"),
    re_path(rf"^services/(?P<service_code>[^/.]+){FMT}", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}", views.service_requests, name="requests"),
    re_path(rf"^requests/(?P<request_id>[^/.]+){FMT}", views.service_request, name="request"),
    re_path(rf"^tokens/(?P<token>[^/.]+){FMT}", views.token, name="token"),
]
