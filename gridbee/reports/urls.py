from django.urls import path

from .views import hotline, reporting

urlpatterns = [
    # 随手拍: the partner's report page, and its service worker (scope /report/).
    path("report/", reporting.report, name="report"),
    path("report/mine/", reporting.my_reports, name="my-reports"),
    path("report/sw.js", reporting.service_worker, name="report-sw"),
    # 24 h hotline (专人专岗应哨): the operator on duty records a phoned-in report.
    path("console/hotline/", hotline.hotline_page, name="hotline"),
]
