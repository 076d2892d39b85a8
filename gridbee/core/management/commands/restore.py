from django.core.management.base import BaseCommand, CommandError

from gridbee.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a `gridbee backup` archive into this installation: its database "
        "(GRIDBEE_DATABASE_URL, or SQLite in GRIDBEE_DATA_DIR; a PostgreSQL database that does "
        "not exist is created), its media folder and its secret key (unless GRIDBEE_SECRET_KEY "
        "is set). The database and the media folder must be empty; --force replaces what is "
        "there. Stop the server first; `gridbee up` then migrates if this version is newer."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .tar.gz made by `gridbee backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database and media files that are there already",
        )

    def handle(self, *args, file, force, **options):
        try:
            outcome = restore_backup(file, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        key = " and the secret key" if outcome.secret_key else ""
        self.stdout.write(
            f"Restored the {outcome.engine} database, {outcome.media_files} media files{key} "
            f"from {outcome.path}."
        )
