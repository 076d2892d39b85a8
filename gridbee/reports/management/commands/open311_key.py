from django.core.management.base import BaseCommand, CommandError

from gridbee.core.errors import DomainError
from gridbee.reports.open311 import keys


class Command(BaseCommand):
    help = (
        "Register an Open311 client and print its API key (only the key, on stdout). The key "
        "is shown this once; GridBee keeps only its digest."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="the client's name, unique")

    def handle(self, *args, name, **options):
        try:
            raw, _client = keys.issue_client(name)
        except DomainError as error:
            raise CommandError(f"{error.message} ({name!r})") from None
        self.stdout.write(raw)
