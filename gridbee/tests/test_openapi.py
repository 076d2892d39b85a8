"""The whole JSON API against its own OpenAPI schema: generated requests, valid and not, never
get a 500 and every answer matches what the schema promises."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from gridbee.geo.tests import layers

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def tiny_layer(db):
    layers.install()


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """Requests go through the real WSGI handler, which closes the database connection when a
    request ends; that would end the test's transaction. Django's own test client does this."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_honours_its_schema(case, tiny_layer):
    # Some rules cannot be said in OpenAPI (a bbox's west < east): a schema-valid request may
    # still be refused, with a 4xx and an error code, so "positive data acceptance" is not ours.
    case.call_and_validate(excluded_checks=[checks.positive_data_acceptance])
