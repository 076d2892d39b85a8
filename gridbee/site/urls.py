from django.contrib.auth import views as auth_views
from django.urls import path

from gridbee.people.forms import MobileAuthenticationForm

from .views import grid_map, home

urlpatterns = [
    path("", home.home, name="home"),
    path("map/", grid_map.grid_map, name="grid_map"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=MobileAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
