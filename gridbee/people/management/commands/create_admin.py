import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from gridbee.core.errors import DomainError
from gridbee.people.actions import create_administrator


class Command(BaseCommand):
    help = (
        "Create an administrator, e.g. the first account of a real install (after "
        "import-regions and import-grids). Asks for the password, or reads it from standard "
        "input with --password-stdin."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--mobile", required=True, help="the mobile number to log in with")
        parser.add_argument("--name", required=True, help="the person's name")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input (for scripts)",
        )

    def handle(self, *args, mobile, name, password_stdin, **options):
        stdin = options.get("stdin") or sys.stdin
        if password_stdin:
            password = stdin.readline().rstrip("\r\n")
        elif stdin.isatty():
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("The two passwords differ; nothing was created.")
        else:
            # Never a password on the command line: it would stay in the shell's history.
            raise CommandError(
                "No terminal to ask for the password: pipe it in with --password-stdin."
            )
        try:
            user = create_administrator(mobile=mobile, name=name, password=password)
        except DomainError as exc:
            raise CommandError(f"{exc.message} Nothing was created.") from None
        self.stdout.write(
            self.style.SUCCESS(f"Administrator {user.mobile} ({user.name}) created.")
            + " Log in with this mobile number; the admin site is at /admin/."
        )
