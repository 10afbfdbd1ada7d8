"""The audit trail is append-only and tamper-evident (access-control issue, point 2)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from oversight.audit import services as audit
from oversight.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def three_entries():
    for n in range(3):
        audit.record(actor="tester", action="view", summary=f"Viewed case C{n}", object_type="case",
                     object_ref=f"C{n}", case_ref=f"C{n}", basis="case manager")


def test_an_intact_trail_verifies(run_command):
    three_entries()
    assert "intact: 3 entries" in run_command("audit", "verify")


def test_an_edited_entry_is_found(run_command):
    three_entries()
    second = AuditEvent.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A database superuser can switch triggers off; the hash chain still gives them away.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE audit_auditevent SET basis = 'line manager' WHERE id = %s", [second.pk])
    with pytest.raises(CommandError, match=f"broken at entry {second.pk}: its contents no longer match"):
        call_command("audit", "verify")


def test_a_removed_entry_is_found():
    three_entries()
    first, second, third = AuditEvent.objects.order_by("id")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A database superuser can switch triggers off; the hash chain still gives them away.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    check = audit.verify_chain()
    assert check.first_broken == third.pk and "removed" in check.reason


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_update_or_delete_entries():
    three_entries()
    for statement in ("UPDATE audit_auditevent SET summary = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    assert AuditEvent.objects.count() == 3
