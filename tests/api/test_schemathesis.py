"""The API fuzzed against its own OpenAPI schema (schemathesis): no 5xx answer, every status code
documented, every body matching the schema, whatever the parameters and bodies.

It runs in-process against the WSGI application, on the worked example, with a personal token of
a deputy team manager (who sees a line, cases, records and findings) and, separately, of an
administrator (who may import). A bounded number of examples keeps it well under a minute.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from oversight.api.api import api
from oversight.api.services import api_token_create

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, negative_data_rejection]


# The schema as the app serves it at /api/openapi.json (read here without a request, so that it can
# parametrize the tests at collection), answered by the WSGI application in-process.
SERVED = json.loads(json.dumps(api.get_openapi_schema()))
SCHEMA = schemathesis.openapi.from_dict(SERVED)
SCHEMA.app = get_wsgi_application()
manager_api = SCHEMA.exclude(path_regex="^/api/imports/")
admin_api = SCHEMA.include(path_regex="^/api/imports/")
FUZZ = settings(max_examples=10, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much])


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    # Django closes the database connection at the start and end of each request; inside a test's
    # transaction that would lose the test data, so (as Django's own test client does) that is off here.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def manager_token(service, account):
    return api_token_create(owner=account("D1"), actor="test")[1]


@pytest.fixture
def admin_token(service, account):
    return api_token_create(owner=account(None, administrator=True), actor="test")[1]


def test_the_served_schema_is_the_one_fuzzed(manager_token):
    from django.test import Client

    served = Client(HTTP_AUTHORIZATION=f"Bearer {manager_token}").get("/api/openapi.json").json()
    assert served == SERVED


@manager_api.parametrize()
@FUZZ
def test_the_api_keeps_its_schema_for_a_manager(case, manager_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {manager_token}"}, checks=CHECKS)


@admin_api.parametrize()
@FUZZ
def test_the_import_endpoints_keep_their_schema(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"}, checks=CHECKS)
