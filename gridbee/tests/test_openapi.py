"""The whole JSON API against its own OpenAPI schema: generated requests, valid and not, never
get a 500 and every answer matches what the schema promises."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis import checks

from gridbee.geo.tests import layers

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def tiny_layer(db):
    layers.install()


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_honours_its_schema(case, tiny_layer):
    # Some rules cannot be said in OpenAPI (a bbox's west < east): a schema-valid request may
    # still be refused, with a 4xx and an error code, so "positive data acceptance" is not ours.
    case.call_and_validate(excluded_checks=[checks.positive_data_acceptance])
