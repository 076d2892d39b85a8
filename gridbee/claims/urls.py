from django.urls import path

from . import views

urlpatterns = [
    path("claims/", views.home, name="claims-home"),
    path("claims/new/", views.new, name="claims-new"),
    path("claims/oral/", views.oral, name="claims-oral"),
    path("claims/<int:case_id>/", views.detail, name="claims-detail"),
    path("claims/<int:case_id>/step/<slug:action>/", views.step, name="claims-step"),
]
