"""`oversight demo_code`: the current code of a demo manager's "demo" device, and nothing else."""

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts.demo import DEMO_ACTOR, DEMO_DEVICE_NAME, give_demo_app
from oversight.audit import services as audit
from tests.accounts.helpers import PAGE, app_for, sign_in

pytestmark = pytest.mark.django_db


def loaded_by(service, actor):
    audit.record(service=service, actor=actor, action="load", object_type="service", object_ref=service.ref,
                 summary="Loaded")


def demo_code(capsys, username) -> str:
    capsys.readouterr()
    call_command("demo_code", username)
    return capsys.readouterr().out.strip()


def test_a_demo_manager_signs_in_with_the_printed_code(client, capsys, service, manager, practitioner):
    loaded_by(service, DEMO_ACTOR)
    assert give_demo_app(manager) is True
    assert give_demo_app(practitioner) is False  # practitioners sign in with the password alone
    code = demo_code(capsys, "manager")
    assert len(code) == 6 and code.isdigit()
    sign_in(client, "manager")
    assert client.post("/sign-in/two-factor/", {"code": code}).status_code == 302
    assert client.get(PAGE).status_code == 200


def test_refused_for_a_service_not_made_by_the_demo(capsys, service, manager):
    loaded_by(service, DEMO_ACTOR)
    loaded_by(service, "command line: oversight load")  # real data loaded over it
    give_demo_app(manager)
    with pytest.raises(CommandError, match="not a sign-in of a service made by 'oversight demo'"):
        call_command("demo_code", "manager")


def test_refused_for_a_service_never_loaded_by_the_demo(capsys, service, manager):
    give_demo_app(manager)
    with pytest.raises(CommandError, match="not a sign-in of a service made by 'oversight demo'"):
        call_command("demo_code", "manager")


def test_refused_for_a_device_that_is_not_the_demos(service, manager):
    loaded_by(service, DEMO_ACTOR)
    app_for(manager)  # the person's own app
    with pytest.raises(CommandError, match="an authenticator app of its own"):
        call_command("demo_code", "manager")
    TOTPDevice.objects.filter(user=manager).update(name=DEMO_DEVICE_NAME + " (renamed)")
    with pytest.raises(CommandError, match="an authenticator app of its own"):
        call_command("demo_code", "manager")


def test_refused_for_unknown_users_and_users_without_a_device(service, practitioner):
    loaded_by(service, DEMO_ACTOR)
    with pytest.raises(CommandError, match="no demo sign-in"):
        call_command("demo_code", "nobody")
    with pytest.raises(CommandError, match="password alone"):
        call_command("demo_code", "prac")
