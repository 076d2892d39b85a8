"""The demo city holds claims in every state and the two mediations, with their accounts."""

import pytest

from gridbee.cases.choices import CaseKind
from gridbee.cases.models import Case
from gridbee.people.models import User
from gridbee.site.demo import create_demo_city


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_claims_in_every_state_and_two_mediations(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    accounts = create_demo_city()
    roles = {a["role"]: a["mobile"] for a in accounts}
    assert roles["mediator"] == "13800000008" and roles["platform"] == "13800000009"
    claims = set(Case.objects.filter(kind=CaseKind.CLAIM).values_list("status", flat=True))
    assert {"reported", "accepted", "rejected", "dispatched", "handled", "visited",
            "archived"} <= claims  # fmt: skip
    mediations = set(Case.objects.filter(kind=CaseKind.MEDIATION).values_list("status", flat=True))
    assert mediations == {"agreed", "referred"}
    mediator = User.objects.get(mobile="13800000008")
    assert mediator.department.body.type == "mediation"
