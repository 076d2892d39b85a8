from django.urls import path

from .views import console, crowd, linkage, reporter, streams, supervise, triage

urlpatterns = [
    path("console/", console.console, name="console"),
    path("console/cases/<int:case_id>/", console.case_page, name="console-case"),
    path("console/cases/<int:case_id>/steps/<str:action>/", console.case_step, name="console-step"),
    path("console/cases/<int:case_id>/merge/", triage.merge, name="console-merge"),
    path("console/cases/<int:case_id>/linkage/", linkage.dispatch_linked, name="console-linkage"),
    path(
        "console/cases/<int:case_id>/support/<str:action>/",
        linkage.support_step,
        name="console-support",
    ),
    path("console/cases/<int:case_id>/split/", triage.split, name="console-split"),
    path("console/photos/<int:photo_id>/", console.event_photo, name="case-event-photo"),
    path("department/", console.department, name="department"),
    path("supervise/", supervise.supervise, name="supervise"),
    path("report/case/<int:case_id>/", reporter.reporter_case, name="reporter-case"),
    path(
        "report/case/<int:case_id>/steps/<str:action>/",
        reporter.reporter_step,
        name="reporter-step",
    ),
    path("checks/", crowd.crowd_checks, name="crowd-checks"),
    path("checks/<int:case_id>/", crowd.crowd_check, name="crowd-check"),
    path("live/queue/", streams.live_queue, name="live-queue"),
    path("live/case/<int:case_id>/", streams.live_case, name="live-case"),
    path("live/mine/", streams.live_mine, name="live-mine"),
]
