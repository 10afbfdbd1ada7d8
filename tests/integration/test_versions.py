"""Two people editing the same record: the second save is refused and told what changed."""

import pytest
from django.core.management import call_command
from django.db import transaction

from oversight.cover.models import Absence
from oversight.store.versions import StaleEdit, check_unchanged, snapshot

pytestmark = pytest.mark.django_db


def test_the_second_of_two_saves_is_refused_with_what_changed(small_document, write_document):
    call_command("load", str(write_document(small_document)))
    absence = Absence.objects.get(ref="L1")
    first_saw = second_saw = snapshot(absence)
    with transaction.atomic():  # the first person records the return
        row = check_unchanged(Absence, absence.pk, first_saw)
        row.actual_last_day = row.expected_last_day
        row.save()
    with pytest.raises(StaleEdit) as refused, transaction.atomic():
        check_unchanged(Absence, absence.pk, second_saw)
    assert set(refused.value.changed) == {"actual_last_day"}
    assert refused.value.changed["actual_last_day"] == (None, "2026-02-20")
    assert "actual_last_day" in str(refused.value)


def test_an_unchanged_record_saves(small_document, write_document):
    call_command("load", str(write_document(small_document)))
    absence = Absence.objects.get(ref="L1")
    with transaction.atomic():
        assert check_unchanged(Absence, absence.pk, snapshot(absence)).pk == absence.pk


def test_a_tampered_snapshot_is_refused(small_document, write_document):
    call_command("load", str(write_document(small_document)))
    absence = Absence.objects.get(ref="L1")
    with pytest.raises(StaleEdit), transaction.atomic():
        check_unchanged(Absence, absence.pk, "not json")
