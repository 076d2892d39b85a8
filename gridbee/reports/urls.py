from django.urls import path

from . import views

urlpatterns = [
    # 随手拍: the partner's report page, and its service worker (scope /report/).
    path("report/", views.report, name="report"),
    path("report/mine/", views.my_reports, name="my-reports"),
    path("report/sw.js", views.service_worker, name="report-sw"),
]
