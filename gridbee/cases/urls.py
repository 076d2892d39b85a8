from django.urls import path

from . import views

urlpatterns = [
    path("console/", views.console, name="console"),
    path("console/cases/<int:case_id>/", views.case_page, name="console-case"),
    path("console/cases/<int:case_id>/steps/<str:action>/", views.case_step, name="console-step"),
    path("console/photos/<int:photo_id>/", views.event_photo, name="case-event-photo"),
    path("department/", views.department, name="department"),
    path("report/case/<int:case_id>/", views.reporter_case, name="reporter-case"),
    path("live/queue/", views.live_queue, name="live-queue"),
    path("live/case/<int:case_id>/", views.live_case, name="live-case"),
    path("live/mine/", views.live_mine, name="live-mine"),
]
