from django.urls import path

from .views import console, partner, photos, streams

urlpatterns = [
    path("console/alerts/", console.console, name="alerts-console"),
    path("console/alerts/<int:alert_id>/", console.alert_page, name="alert-console"),
    path("console/alerts/<int:alert_id>/update/", console.update, name="alert-update"),
    path("console/alerts/<int:alert_id>/close/", console.close, name="alert-close"),
    path("alerts/<int:alert_id>/", partner.partner_alert, name="partner-alert"),
    path("alerts/photos/<int:photo_id>/", photos.alert_photo, name="alert-photo"),
    path("alerts/sightings/<int:sighting_id>/photo/", photos.sighting_photo, name="sighting-photo"),
    path("live/alert/<int:alert_id>/", streams.live_alert, name="live-alert"),
]
