import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from gridbee.alerts import actions, cap
from gridbee.alerts.choices import AlertStatus

from .helpers import publish

pytestmark = pytest.mark.django_db
NS = {"cap": cap.NAMESPACE}


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(Path(__file__).with_name("CAP-v1.2.xsd"))))


def parsed(schema, message):
    root = etree.fromstring(cap.document(message))
    schema.assertValid(root)
    return root


def test_alert_update_cancel_are_valid_cap_and_chain_their_references(county, schema):
    now = timezone.now()
    alert = publish(county, now=now)
    actions.update(
        alert.pk,
        actor=county.operator,
        expires_at=now + datetime.timedelta(hours=20),
        note="续期",
        now=now + datetime.timedelta(minutes=5),
    )
    actions.close(
        alert.pk,
        actor=county.operator,
        outcome=AlertStatus.FOUND,
        note="已找到",
        now=now + datetime.timedelta(minutes=9),
    )
    first, second, third = alert.messages.all()
    roots = [parsed(schema, m) for m in (first, second, third)]
    types = [r.findtext("cap:msgType", namespaces=NS) for r in roots]
    assert types == ["Alert", "Update", "Cancel"]
    assert roots[0].find("cap:references", NS) is None
    assert roots[1].findtext("cap:references", namespaces=NS) == cap.reference(first)
    assert roots[2].findtext("cap:references", namespaces=NS).split() == [
        cap.reference(first),
        cap.reference(second),
    ]
    circle = roots[0].findtext("cap:info/cap:area/cap:circle", namespaces=NS)
    assert circle == f"{alert.lat:.6f},{alert.lon:.6f} 2"
    expires = roots[1].findtext("cap:info/cap:expires", namespaces=NS)
    assert expires == cap.cap_time(now + datetime.timedelta(hours=20))
    # Once closed, no message forwarded carries the description any more.
    for root in roots:
        assert root.find("cap:info/cap:description", NS) is None
    assert roots[2].findtext("cap:info/cap:responseType", namespaces=NS) == "AllClear"


def test_an_active_alert_carries_its_description(county, schema):
    alert = publish(county)
    root = parsed(schema, alert.messages.get())
    assert root.findtext("cap:info/cap:description", namespaces=NS) == alert.description


def test_the_schema_refuses_what_is_not_cap(schema):
    bad = etree.fromstring(
        f'<alert xmlns="{cap.NAMESPACE}"><identifier>x</identifier></alert>'.encode()
    )
    assert not schema.validate(bad)
