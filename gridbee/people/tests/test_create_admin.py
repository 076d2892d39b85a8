"""`gridbee create-admin`: the first account of a real install, made on the server."""

import io

import pytest
from django.core.management import CommandError, call_command

from gridbee.core.authz import Perm, has_perm
from gridbee.people.choices import Role
from gridbee.people.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "county-admin-2026-秘密"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def create_admin(stdin: io.StringIO, *args: str) -> str:
    out = io.StringIO()
    who = ["--mobile", "139 1234 5678", "--name", "王芳"]
    call_command("create_admin", *who, *args, stdin=stdin, stdout=out)
    return out.getvalue()


def test_an_administrator_from_a_piped_password(client):
    output = create_admin(io.StringIO(f"{PASSWORD}\n"), "--password-stdin")
    assert "13912345678" in output
    admin = User.objects.get(mobile="13912345678")
    assert (admin.name, admin.role, admin.is_staff, admin.is_superuser) == (
        "王芳",
        Role.ADMIN,
        True,
        True,
    )
    assert all(has_perm(admin, perm) for perm in Perm)
    assert client.login(username="13912345678", password=PASSWORD)


def test_an_administrator_from_a_password_typed_twice(monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    create_admin(Terminal())
    assert User.objects.get(mobile="13912345678").check_password(PASSWORD)


@pytest.mark.parametrize(
    ("stdin", "args", "says"),
    [
        (io.StringIO("12345678\n"), ["--password-stdin"], "密码"),  # too common, all digits
        (io.StringIO(f"{PASSWORD}\n"), ["--password-stdin", "--mobile", "12345"], "11"),
        (io.StringIO(f"{PASSWORD}\n"), [], "--password-stdin"),  # no terminal to ask on
    ],
    ids=["weak-password", "bad-mobile", "no-terminal"],
)
def test_nothing_is_made_from_a_bad_answer(stdin, args, says):
    with pytest.raises(CommandError, match=says):
        create_admin(stdin, *args)
    assert not User.objects.exists()


def test_two_typed_passwords_that_differ_make_nothing(monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError):
        create_admin(Terminal())
    assert not User.objects.exists()


def test_a_mobile_already_taken_is_refused(django_user_model):
    django_user_model.objects.create_user("13912345678", "old-password-2026", name="李四")
    with pytest.raises(CommandError):
        create_admin(io.StringIO(f"{PASSWORD}\n"), "--password-stdin")
    assert User.objects.get(mobile="13912345678").role != Role.ADMIN
