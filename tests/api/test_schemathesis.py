"""The API fuzzed against its own OpenAPI schema (schemathesis): no 5xx answer, every status code
documented, every body matching the schema, whatever the parameters and bodies.

It runs in-process against the WSGI application, on the worked example, with a personal token of
a deputy team manager (who sees a line, cases, records and findings, and may record supervision,
decisions and cover) and, separately, of an administrator (who may import). Random identifiers
would only ever reach "not found", so the writes are also fuzzed with the worked example's own
people, cases, absences and records in their bodies and paths (`realistic`), which takes them past
the permission checks into the services. A bounded number of examples keeps it to a minute or two.
"""

import json
from datetime import date

import pytest
import schemathesis
from hypothesis import strategies as st
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
from oversight.cover.services_team import absence_record_unplanned
from oversight.people.models import Staff
from schemathesis.generation import GenerationMode

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, negative_data_rejection]


# The schema as the app serves it at /api/openapi.json (read here without a request, so that it can
# parametrize the tests at collection), answered by the WSGI application in-process.
SERVED = json.loads(json.dumps(api.get_openapi_schema()))
SCHEMA = schemathesis.openapi.from_dict(SERVED)
SCHEMA.app = get_wsgi_application()
# What the worked example holds, for the writes' bodies and paths.
PEOPLE = st.sampled_from(["Y1", "Y2", "SO1", "D1", "T1"])
CASES = st.sampled_from(["E1", "E2", "E3"])
MOMENTS = st.sampled_from(["2026-03-10T10:00", "2026-04-14T09:30+01:00", "2026-03-10", "2099-01-01T10:00"])
DAYS = st.sampled_from(["2031-01-06", "2031-01-10", "2031-02-01", "2020-01-01"])
FIELDS = {
    "supervisee": PEOPLE, "staff": PEOPLE, "case": CASES, "held": MOMENTS, "start": DAYS, "end": DAYS,
    "month": st.sampled_from(["2026-03", "2026-05", "2099-01"]), "cases": st.lists(CASES, min_size=1, max_size=3),
    # Whole caseloads (Y1's, SO1's), and one short of one.
    "discussions": st.sampled_from([("E1", "E2"), ("E3",), ("E1",)]).flatmap(lambda refs: st.tuples(*(
        st.fixed_dictionaries({"case": st.just(ref), "depth": st.sampled_from(["check_in", "in_depth"])},
                              optional={"notes": st.sampled_from(["", "Discussed."]), "significant": st.booleans()})
        for ref in refs)).map(list)),
}
RECORDS = st.sampled_from([("E1", "discussion", "V1"), ("E3", "discussion", "V2"), ("E2", "event", "M0001")]).map(
    lambda r: dict(zip(("ref", "kind", "ident"), r)))
PATH_REFS = {
    "/api/supervisees/{ref}/preparation": st.fixed_dictionaries({"ref": PEOPLE}),
    "/api/absences/{ref}/cover-confirmation": st.fixed_dictionaries({"ref": st.sampled_from(["L1", "A0001", "A0002"])}),
    "/api/absences/{ref}/leave-sheet": st.fixed_dictionaries({"ref": st.sampled_from(["L1", "A0001"])}),
    "/api/cases/{ref}/records/{kind}/{ident}": RECORDS,
    "/api/cases/{ref}/records/{kind}/{ident}/amendments": RECORDS,
}


@SCHEMA.hook
def flatmap_case(context, case):
    """Valid cases of the writes (and of paths naming a person, case, absence or record) mostly carry
    the worked example's identifiers; some keep the random ones."""
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return st.just(case)
    path = case.operation.path if case.operation.path.startswith("/api") else "/api" + case.operation.path
    params = PATH_REFS.get(path, st.just({}))
    fields = {k: v for k, v in FIELDS.items() if isinstance(case.body, dict) and k in case.body}
    if path not in PATH_REFS and not fields:
        return st.just(case)

    def realistic(values):
        params, body = values
        case.path_parameters = {**case.path_parameters, **params} if params else case.path_parameters
        case.body = {**case.body, **body} if body else case.body
        return case

    return st.one_of(st.tuples(params, st.fixed_dictionaries(fields)).map(realistic), st.just(case))


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
    # An unplanned absence in D1's line, whose cover D1 may confirm.
    absence_record_unplanned(staff=Staff.objects.get(ref="SO1"), kind="sickness", first_day=date(2026, 3, 2),
                             expected_last_day=date(2026, 3, 4), by=Staff.objects.get(ref="D1"), actor="test",
                             on=date(2026, 3, 2))
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
