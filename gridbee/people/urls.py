from django.urls import path

from .views import enrolment, me, partners, public, teams

urlpatterns = [
    # Public: applying, following one's application, checking a certificate.
    path("apply/", enrolment.apply, name="apply"),
    path("apply/grids/", enrolment.apply_grids, name="apply-grids"),
    path("apply/status/<str:token>/", enrolment.application_status, name="application-status"),
    path("verify/<str:token>/", public.verify_certificate, name="verify-certificate"),
    # Stations recommend (行业推荐), the county reviews (县级审核).
    path("review/applications/", enrolment.application_queue, name="application-queue"),
    path(
        "review/applications/<int:pk>/<str:action>/",
        enrolment.application_decide,
        name="application-decide",
    ),
    # Partners and their standing (动态进出).
    path("partners/", partners.partner_list, name="partner-list"),
    path("partners/<int:pk>/", partners.partner_detail, name="partner-detail"),
    path("partners/<int:pk>/<str:action>/", partners.partner_change, name="partner-change"),
    # A partner's own profile, grids and certificate card.
    path("me/", me.me, name="me"),
    path("me/grids/", me.me_grids, name="me-grids"),
    path("me/card/", me.me_card, name="me-card"),
    # Teams (三级体系).
    path("teams/", teams.team_list, name="team-list"),
    path("teams/<int:pk>/", teams.team_detail, name="team-detail"),
]
