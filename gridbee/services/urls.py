from django.urls import path

from .views import activities, inbox, rules, stations, teams

urlpatterns = [
    # Stations (驿站): the partners' map and list, their keeping, export.
    path("stations/", stations.stations, name="stations"),
    path("stations/<int:pk>/report/", stations.report, name="station-report"),
    path("stations/manage/", stations.manage, name="stations-manage"),
    path("stations/export.<slug:fmt>", stations.export, name="stations-export"),
    # Activities (活动) and volunteer hours (志愿时长).
    path("activities/", activities.activities, name="activities"),
    path("activities/new/", activities.publish, name="activity-publish"),
    path("activities/<int:pk>/", activities.activity, name="activity"),
    path("activities/<int:pk>/signup/", activities.sign_up, name="activity-signup"),
    path("activities/<int:pk>/code/", activities.venue_code, name="activity-code"),
    path(
        "activities/<int:pk>/code/now/",
        activities.venue_code_fragment,
        name="activity-code-fragment",
    ),
    path("activities/<int:pk>/check/", activities.check, name="activity-check"),
    path("activities/<int:pk>/scan/", activities.scan, name="activity-scan"),
    path("me/volunteer/", activities.my_record, name="volunteer-record"),
    path("me/volunteer/certificate/", activities.certificate, name="volunteer-certificate"),
    path("volunteer/check/<str:token>/", activities.public_check, name="volunteer-check"),
    # The county's rules and shop, for its reviewer.
    path("review/rules/", rules.rules, name="county-rules"),
    # Squads, for captains (and what sub-captains may see).
    path("squads/", teams.my_teams, name="squads"),
    path("squads/<int:pk>/", teams.squads, name="team-squads"),
    # The inbox (件件有回应).
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read/", inbox.read, name="inbox-read"),
]
