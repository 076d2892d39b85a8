"""The demo county's services: a dozen stations, this month's 爱骑日 on the 27th and a
school-gate duty with sign-ups, the demo partner's inbox filled."""

import pytest
from django.utils import timezone

from gridbee.people.demo import DEMO_ACCOUNTS
from gridbee.people.models import User
from gridbee.services.models import Activity, Notice, ServicePoint, Signup
from gridbee.site.demo import create_demo_city

pytestmark = pytest.mark.django_db


def test_the_demo_has_stations_activities_and_an_inbox(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    create_demo_city()
    assert ServicePoint.objects.count() == 12
    assert all(p.services and p.hours for p in ServicePoint.objects.all())
    riding = Activity.objects.filter(kind="riding_day", series__isnull=True).get()
    assert timezone.localtime(riding.starts_at).day == 27
    assert timezone.localtime(riding.starts_at).month == timezone.localdate().month
    assert Activity.objects.filter(kind="school_gate").count() == 8  # weekly
    assert Signup.objects.filter(activity=riding, status="confirmed").count() == 12
    partner = User.objects.get(mobile=DEMO_ACCOUNTS[0]["mobile"])
    assert Notice.objects.filter(recipient=partner).count() >= 2
