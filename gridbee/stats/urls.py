from django.urls import path

from .views import exports, pages

urlpatterns = [
    path("stats/", pages.overview, name="stats"),
    path("stats/league/<str:dim>/", pages.league, name="stats-league"),
    path("stats/league/<str:dim>.xlsx", exports.league_xlsx, name="stats-league-xlsx"),
    path("stats/cases/", pages.drill, name="stats-cases"),
    path("stats/cases.<str:fmt>", exports.cases_export, name="stats-export"),
    path("stats/heat/", pages.heat, name="stats-heat"),
    path("stats/screen/", pages.screen, name="stats-screen"),
    path("stats/screen/data/", pages.screen_data, name="stats-screen-data"),
    path("stats/screen/live/", pages.screen_live, name="stats-screen-live"),
]
