from django.urls import path

from . import views, views_crowd, views_reporter, views_supervise, views_triage

urlpatterns = [
    path("console/", views.console, name="console"),
    path("console/cases/<int:case_id>/", views.case_page, name="console-case"),
    path("console/cases/<int:case_id>/steps/<str:action>/", views.case_step, name="console-step"),
    path("console/cases/<int:case_id>/merge/", views_triage.merge, name="console-merge"),
    path("console/cases/<int:case_id>/split/", views_triage.split, name="console-split"),
    path("console/photos/<int:photo_id>/", views.event_photo, name="case-event-photo"),
    path("department/", views.department, name="department"),
    path("supervise/", views_supervise.supervise, name="supervise"),
    path("report/case/<int:case_id>/", views_reporter.reporter_case, name="reporter-case"),
    path(
        "report/case/<int:case_id>/steps/<str:action>/",
        views_reporter.reporter_step,
        name="reporter-step",
    ),
    path("checks/", views_crowd.crowd_checks, name="crowd-checks"),
    path("checks/<int:case_id>/", views_crowd.crowd_check, name="crowd-check"),
    path("live/queue/", views.live_queue, name="live-queue"),
    path("live/case/<int:case_id>/", views.live_case, name="live-case"),
    path("live/mine/", views.live_mine, name="live-mine"),
]
