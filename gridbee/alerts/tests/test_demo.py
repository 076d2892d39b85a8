import pytest
from django.test import Client

from gridbee.alerts.choices import AlertStatus
from gridbee.alerts.models import Alert, PartnerPosition, Sighting
from gridbee.cases.models import LinkageChannel
from gridbee.people.choices import PartnerStatus
from gridbee.people.models import Partner, User
from gridbee.site.demo import create_demo_city

pytestmark = pytest.mark.django_db


def test_the_demo_county_tells_the_whole_story(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    create_demo_city()
    active = Alert.objects.get(status=AlertStatus.ACTIVE)
    assert Alert.objects.filter(status=AlertStatus.FOUND).count() == 1
    assert active.told.count() > 0
    assert Sighting.objects.filter(alert=active, useful=True).count() == 1
    assert (
        PartnerPosition.objects.count()
        == Partner.objects.filter(status=PartnerStatus.ACTIVE).count()
    )
    assert LinkageChannel.objects.count() == 5
    # The demo partner is near the search and sees it.
    client = Client()
    client.force_login(User.objects.get(mobile="13800000001"))
    [near] = client.get("/api/alerts/near").json()
    assert near["id"] == active.pk and near["photo_urls"]
