"""What the benchmarks share: which database they fill, wiping it, the machine's load."""

import os
import re
from pathlib import Path


def database_key() -> str:
    """A file-name-safe name of the database in use (its cache files carry it)."""
    url = os.environ.get("GRIDBEE_DATABASE_URL")
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", url.rsplit("/", 1)[-1]) if url else "sqlite"


def wipe() -> None:
    """An empty, migrated database: SQLite's files deleted, PostgreSQL's tables flushed."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        call_command("migrate", verbosity=0)
    else:
        call_command("flush", interactive=False, verbosity=0)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
