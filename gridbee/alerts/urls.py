from django.urls import path

from .views import photos, streams

urlpatterns = [
    path("alerts/photos/<int:photo_id>/", photos.alert_photo, name="alert-photo"),
    path("alerts/sightings/<int:sighting_id>/photo/", photos.sighting_photo, name="sighting-photo"),
    path("live/alert/<int:alert_id>/", streams.live_alert, name="live-alert"),
]
