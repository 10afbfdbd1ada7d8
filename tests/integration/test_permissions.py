"""Pages and the API decide access through one function, which audits views and refusals."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import Http404
from django.test import RequestFactory

from oversight.accounts.permissions import case_for, caseload_for
from oversight.accounts.services import account_set
from oversight.audit.models import AuditEvent
from oversight.people.models import Service, Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(small_document, write_document):
    # The example's leave (L1 from 2026-02-16, no return recorded) is still running today, so Y2,
    # Y1's buddy, covers Y1's cases; SO1 has nothing to do with them.
    call_command("load", str(write_document(small_document)))
    return Service.objects.get(ref="EX")


def request_as(service, staff_ref):
    account = account_set(service=service, username=f"u-{staff_ref}", password="a long password 123",
                          staff=Staff.objects.get(service=service, ref=staff_ref), actor="test")
    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(pk=account.user_id)
    return request


def test_a_permitted_view_is_audited_with_its_lawful_basis(service):
    case, access = case_for(request_as(service, "Y2"), "E1")
    assert case.ref == "E1" and access.basis == "cover for Y1 during absence L1"
    entry = AuditEvent.objects.filter(action="view").last()
    assert (entry.case_ref, entry.basis, entry.actor) == ("E1", "cover for Y1 during absence L1", "u-Y2 (Y2)")


def test_a_refused_view_is_404_and_audited(service):
    with pytest.raises(Http404):
        case_for(request_as(service, "SO1"), "E1")
    assert AuditEvent.objects.filter(action="denied", object_ref="E1").count() == 1


def test_a_guessed_identifier_of_another_service_is_404(service, small_document, write_document):
    other = dict(small_document, service={**small_document["service"], "id": "EX2"})
    call_command("load", str(write_document(other, "other.json")))
    request = request_as(service, "Y2")
    with pytest.raises(Http404):
        case_for(request, "NOPE")
    # E1 exists in EX2 too, but Y2 of EX is only ever shown EX's E1.
    case, _ = case_for(request, "E1")
    assert case.service.ref == "EX"


def test_the_caseload_lists_exactly_the_permitted_cases(service):
    assert set(caseload_for(request_as(service, "SO1"))) == {"E3"}
    assert set(caseload_for(request_as(service, "D1"))) == {"E1", "E2", "E3"}
