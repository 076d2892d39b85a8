from django.urls import path

from .views import reporting

urlpatterns = [
    # 随手拍: the partner's report page, and its service worker (scope /report/).
    path("report/", reporting.report, name="report"),
    path("report/mine/", reporting.my_reports, name="my-reports"),
    path("report/sw.js", reporting.service_worker, name="report-sw"),
]
