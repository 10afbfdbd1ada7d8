"""Sign-in tests: a small service with a practitioner, a manager and an administrator."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.accounts.services import account_set
from oversight.people.models import Service, Staff
from tests.accounts.helpers import PASSWORD


@pytest.fixture
def service(db):
    return Service.objects.create(ref="EX", name="Example Youth Justice Service")


def _staff(service, ref, role):
    return Staff.objects.create(service=service, ref=ref, name=f"Example {ref}", role=role,
                                email=f"{ref.lower()}@example.org", start=dt.date(2024, 1, 8))


@pytest.fixture
def practitioner(service):
    return account_set(service=service, username="prac", password=PASSWORD,
                       staff=_staff(service, "Y1", "youth_justice_officer"), actor="test").user


@pytest.fixture
def manager(service):
    return account_set(service=service, username="manager", password=PASSWORD,
                       staff=_staff(service, "D1", "deputy_team_manager"), actor="test").user


@pytest.fixture
def administrator(service):
    return account_set(service=service, username="admin", password=PASSWORD, administrator=True,
                       django_admin=True, actor="test").user
