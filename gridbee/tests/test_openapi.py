"""The whole JSON API against its own OpenAPI schema: generated requests, valid and not, never
get a 500 and every answer matches what the schema promises; anonymously, and as each role of
the fixture county with its bearer token (so the code behind every permission check runs too).

Deterministic (hypothesis derandomized, no example database): the same requests every run, so
a failure in CI is a failure on every machine."""

import datetime
import secrets

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis import checks

from gridbee.people.actions.auth import digest
from gridbee.people.models import ApiToken
from gridbee.people.tests import county as county_module
from gridbee.reports.actions import ensure_default_categories

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
# For the roles: the bearer token is ours, so the generator neither makes one up nor spoils it
# (a request whose only fault was a spoilt Authorization header would pass with ours, and look
# like invalid data accepted). Examples and fuzzing: the coverage phase's boundary values run
# anonymously above, and once per role they would cost minutes.
role_schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
role_schema.config.generation.update(with_security_parameters=False)
role_schema.config.phases.update(phases=["examples", "fuzzing"])
# One user of each role in the fixture county (people/tests/county.py).
ROLES = ["partner", "team_lead", "station", "operator", "department", "reviewer", "admin"]
# Per operation and role: enough to reach each operation's validation and permission paths,
# few enough that the seven roles add about a minute to CI (measured in the report of the change
# that added them).
ROLE_EXAMPLES = 15
# Some rules cannot be said in OpenAPI (a bbox's west < east): a schema-valid request may still
# be refused, with a 4xx and an error code, so "positive data acceptance" is not ours.
EXCLUDED = [checks.positive_data_acceptance]
DETERMINISTIC = {
    "derandomize": True,
    "database": None,
    "deadline": None,
    "suppress_health_check": list(HealthCheck),
}


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """Requests go through the real WSGI handler, which closes the database connection when a
    request ends; that would end the test's transaction. Django's own test client does this."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def role_tokens(django_db_setup, django_db_blocker) -> dict[str, str]:
    """The fixture county with its cases, rewards and one bearer token per role, built once for
    the module (each test's changes are rolled back on top of it), then flushed as a
    transactional test leaves the database."""
    with django_db_blocker.unblock():
        ensure_default_categories()
        county = county_module.build()
        _cases_and_rewards(county)
        tokens = {}
        for role in ROLES:
            raw = secrets.token_urlsafe(32)
            ApiToken.objects.create(
                user=county.users[role],
                digest=digest(raw),
                expires_at=timezone.now() + datetime.timedelta(days=1),
            )
            tokens[role] = raw
    yield tokens
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def _cases_and_rewards(county) -> None:
    """Something behind the small ids the generator likes: a closed case with a proposed and
    an approved cash reward, a handled one, an open one."""
    from gridbee.rewards.actions import cash
    from gridbee.rewards.tests.matrix_cash import (
        TO_HANDLED,
        reports_of_a_case,
        second_reviewer,
    )

    # Cash grades are for the first report of an emergency (the county's default rule).
    closed = reports_of_a_case(county, "fuzz-closed", count=2)[:1]
    closed += reports_of_a_case(county, "fuzz-closed-2", at=(0.005, 0.014))
    rewards = [cash.propose(r.pk, 2, "首报", actor=county.operator) for r in closed]
    cash.decide(rewards[0].pk, True, "", actor=second_reviewer(county))
    reports_of_a_case(county, "fuzz-handled", steps=TO_HANDLED, at=(0.005, 0.008))
    reports_of_a_case(county, "fuzz-open", steps=[], at=(0.005, 0.011))


@schema.parametrize()
@settings(max_examples=60, **DETERMINISTIC)
def test_the_api_honours_its_schema(case, role_tokens, db):
    case.call_and_validate(excluded_checks=EXCLUDED)


@pytest.mark.parametrize("role", ROLES)
@role_schema.parametrize()
@settings(max_examples=ROLE_EXAMPLES, **DETERMINISTIC)
def test_the_api_honours_its_schema_for_each_role(case, role, role_tokens, db):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {role_tokens[role]}"}, excluded_checks=EXCLUDED
    )
