from django.core.management.base import BaseCommand, CommandError

from gridbee.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database and the photos into one .tar.gz, while GridBee runs. SQLite is "
        "copied with its online backup API, PostgreSQL with pg_dump. The data folder's secret "
        "key goes with them (Open311 request tokens and open sessions depend on it; not when "
        "GRIDBEE_SECRET_KEY is set), so keep the archive as safe as the database itself. "
        "Restore with `gridbee restore FILE`."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="a folder (the archive is named by the date) or a file name; "
            "default: the data folder's backups/",
        )

    def handle(self, *args, output, **options):
        try:
            outcome = create_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        key = ", the secret key" if outcome.secret_key else ""
        self.stdout.write(
            f"Backed up the {outcome.engine} database "
            f"({outcome.database_bytes / 1e6:.1f} MB), {outcome.media_files} media files{key}:"
        )
        self.stdout.write(str(outcome.path))
