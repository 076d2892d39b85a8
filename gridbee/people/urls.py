from django.urls import path

from . import views

urlpatterns = [
    # Public: applying, following one's application, checking a certificate.
    path("apply/", views.apply, name="apply"),
    path("apply/grids/", views.apply_grids, name="apply-grids"),
    path("apply/status/<str:token>/", views.application_status, name="application-status"),
    path("verify/<str:token>/", views.verify_certificate, name="verify-certificate"),
    # Stations recommend (行业推荐), the county reviews (县级审核).
    path("review/applications/", views.application_queue, name="application-queue"),
    path(
        "review/applications/<int:pk>/<str:action>/",
        views.application_decide,
        name="application-decide",
    ),
    # Partners and their standing (动态进出).
    path("partners/", views.partner_list, name="partner-list"),
    path("partners/<int:pk>/", views.partner_detail, name="partner-detail"),
    path("partners/<int:pk>/<str:action>/", views.partner_change, name="partner-change"),
    # A partner's own profile, grids and certificate card.
    path("me/", views.me, name="me"),
    path("me/grids/", views.me_grids, name="me-grids"),
    path("me/card/", views.me_card, name="me-card"),
    # Teams (三级体系).
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
]
