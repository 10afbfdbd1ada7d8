"""Passwords: Argon2id, and the password policy."""

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError

from oversight.accounts.services import account_set
from oversight.audit.models import AuditEvent
from tests.accounts.helpers import PASSWORD


def test_passwords_are_hashed_with_argon2(practitioner):
    assert practitioner.password.startswith("argon2$argon2id$")
    assert identify_hasher(practitioner.password).algorithm == "argon2"
    assert practitioner.check_password(PASSWORD)
    assert PASSWORD not in practitioner.password


def test_an_older_pbkdf2_hash_is_upgraded_to_argon2_at_sign_in(client, practitioner):
    from django.contrib.auth.hashers import make_password

    practitioner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    practitioner.save()
    assert client.post("/sign-in/", {"username": "prac", "password": PASSWORD}).status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.password.startswith("argon2$")


def test_new_passwords_use_owasps_argon2id_parameters(practitioner):
    # 19 MiB, 2 passes, 1 lane (docs/decisions/0007): a sign-in costs about 0.025 s of CPU, not 0.2 s
    assert practitioner.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_with_djangos_heavier_parameters_still_signs_in_and_is_remade(client, practitioner):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    practitioner.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    practitioner.save()
    assert "m=102400,t=2,p=8" in practitioner.password
    assert client.post("/sign-in/", {"username": "prac", "password": PASSWORD}).status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert practitioner.check_password(PASSWORD)


@pytest.mark.parametrize("weak, message", [
    ("short-pw1", "at least 12 characters"),
    ("password1234", "too common"),
    ("384729105837", "entirely numeric"),
    ("example-newuser", "too similar"),
])
def test_weak_passwords_are_refused_and_nothing_is_saved(service, django_user_model, weak, message):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        account_set(service=service, username="example-newuser", password=weak, actor="test")
    assert any(message in m for m in refused.value.messages), refused.value.messages
    assert not django_user_model.objects.filter(username="example-newuser").exists()
    assert AuditEvent.objects.count() == before


def test_a_strong_password_is_accepted(service):
    account = account_set(service=service, username="newuser", password="a long and unusual phrase",
                          actor="test")
    assert account.user.check_password("a long and unusual phrase")
