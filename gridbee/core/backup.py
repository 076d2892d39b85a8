"""Backup and restore of one GridBee: its database, its photos (MEDIA_ROOT) and its secret key,
in one .tar.gz with a manifest first.

    manifest.json          format, GridBee version, date, database engine, counts
    database.sqlite3       SQLite: a copy made with SQLite's online backup API
    database.pgdump        PostgreSQL: pg_dump's custom format (pg_restore reads it)
    secret_key             the data folder's key, when the key is not set in the environment
    media/…                every file under MEDIA_ROOT, or every object of the S3 object
                           storage when the photos live there (backup_objects.py)

The database is copied first and the photos after, so every photo the copy refers to is in the
archive even while reports keep coming in (a photo stored meanwhile is only an extra file).

The secret key goes with the data: Open311 request tokens already handed to other systems, the
day's Open311 duplicate check and open sessions are signed with it, and nothing else would
bring them back. The archive is therefore as secret as the database (which holds ID numbers
anyway): it is written readable by its owner only."""

import contextlib
import datetime
import glob
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.utils import timezone

from . import backup_objects

FORMAT = 1
MANIFEST = "manifest.json"
SECRET = "secret_key"
MEDIA = "media"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    engine: str
    database_bytes: int
    media_files: int
    secret_key: bool


def _version() -> str:
    try:
        return metadata.version("gridbee")
    except metadata.PackageNotFoundError:
        return "unknown"


def _database(alias: str = "default"):
    connection = connections[alias]
    if connection.vendor not in DUMPS:
        raise BackupError(f"Cannot back up a {connection.vendor} database.")
    return connection


# --- PostgreSQL's own tools -------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: the one on PATH (Debian's wrapper picks the cluster's version),
    else the newest under /usr/lib/postgresql (a newer pg_dump reads an older server)."""
    if found := shutil.which(name):
        return found

    def major(path: str) -> int:
        match = re.search(r"/postgresql/(\d+)/", path)
        return int(match.group(1)) if match else 0

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=major)
    if not candidates:
        raise BackupError(f"{name} not found: install PostgreSQL's client tools.")
    return candidates[-1]


_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def _pg_env(settings_dict: dict, database: str | None = None) -> dict:
    """The connection for libpq's tools, through its environment variables: a password never
    shows in the process list."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    given = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": database or settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    given |= {var: options.get(option) for option, var in _LIBPQ_OPTIONS.items()}
    env |= {k: str(v) for k, v in given.items() if v not in (None, "")}
    return env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.returncode}")


# --- backup -----------------------------------------------------------------------------------


def _dump_database(connection, folder: Path) -> Path:
    target = folder / DUMPS[connection.vendor]
    if connection.vendor == "sqlite":
        source = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
        copy = sqlite3.connect(target)
        try:
            # One step: one read transaction, a consistent snapshot; in WAL mode writers go on.
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
            source.close()
    else:
        env = _pg_env(connection.settings_dict)
        _run([pg_tool("pg_dump"), "--format=custom", "--file", str(target)], env)
    return target


def _media_files() -> list[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    files = []
    for folder, _dirs, names in os.walk(root):
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                files.append((path, f"{MEDIA}/{path.relative_to(root).as_posix()}"))
    return sorted(files, key=lambda f: f[1])


def _target(output: str | os.PathLike | None, now: datetime.datetime) -> Path:
    name = f"gridbee-backup-{timezone.localtime(now):%Y%m%d-%H%M%S}.tar.gz"
    if output is None:
        folder = Path(settings.DATA_DIR) / "backups"
        folder.mkdir(exist_ok=True)
        return folder / name
    path = Path(output).expanduser()
    if path.is_dir() or str(output).endswith(os.sep):
        path.mkdir(parents=True, exist_ok=True)
        return path / name
    if not path.parent.is_dir():
        raise BackupError(f"No such folder: {path.parent}")
    return path


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), mtime, 0o600
    tar.addfile(info, fileobj=io.BytesIO(data))


def create_backup(output: str | os.PathLike | None = None, *, alias: str = "default") -> Outcome:
    connection = _database(alias)
    now = timezone.now()
    target = _target(output, now)
    partial = target.with_name(f".{target.name}.partial")
    with tempfile.TemporaryDirectory(prefix="gridbee-backup-", dir=target.parent) as work:
        dump = _dump_database(connection, Path(work))  # first: see the module's docstring
        objects = backup_objects.object_storage()
        media = _media_files() if objects is None else backup_objects.list_objects(objects)
        key_file = settings.SECRET_KEY_FILE
        secret = key_file.read_bytes() if key_file and key_file.exists() else None
        manifest = {
            "format": FORMAT,
            "gridbee": _version(),
            "created_at": now.isoformat(),
            "engine": connection.vendor,
            "database": dump.name,
            "database_bytes": dump.stat().st_size,
            "media_files": len(media),
            "secret_key": secret is not None,
        }
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                stamp = now.timestamp()
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode(), stamp)
                tar.add(dump, arcname=dump.name)
                if secret is not None:
                    _add_bytes(tar, SECRET, secret, stamp)
                for item in media:
                    if objects is not None:
                        backup_objects.add_object(tar, objects, item, f"{MEDIA}/{item[0]}")
                        continue
                    with contextlib.suppress(FileNotFoundError):  # deleted since the walk
                        tar.add(item[0], arcname=item[1], recursive=False)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return Outcome(target, connection.vendor, manifest["database_bytes"], len(media), bool(secret))


# --- restore ----------------------------------------------------------------------------------


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = db.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()
    finally:
        db.close()
    return row[0] > 0


def _pg_connect(settings_dict: dict, dbname: str):
    import psycopg

    options = settings_dict.get("OPTIONS") or {}
    params = {
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "dbname": dbname,
    } | {k: v for k, v in options.items() if k in _LIBPQ_OPTIONS}
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True)


def _pg_prepare(settings_dict: dict) -> bool:
    """Creates the target database if it does not exist; True if it holds tables."""
    import psycopg
    from psycopg import sql

    name = settings_dict["NAME"]
    try:
        with _pg_connect(settings_dict, name) as db:
            count = db.execute(
                "SELECT count(*) FROM pg_catalog.pg_tables"
                " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()[0]
            return count > 0
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise BackupError(f"Cannot reach the database {name}: {exc}") from exc
    try:
        with _pg_connect(settings_dict, "postgres") as db:
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise BackupError(
            f"The database {name} does not exist and cannot be created: {exc}"
        ) from exc
    return False


def _media_is_empty() -> bool:
    if (objects := backup_objects.object_storage()) is not None:
        return backup_objects.is_empty(objects)
    root = Path(settings.MEDIA_ROOT)
    return not root.is_dir() or not any(p.is_file() for p in root.rglob("*"))


def _media_path(name: str) -> Path | None:
    """Where an archive member goes under MEDIA_ROOT; None for one that would land outside."""
    parts = PurePosixPath(name).parts
    if len(parts) < 2 or parts[0] != MEDIA or any(p in ("..", "") for p in parts[1:]):
        return None
    if "\\" in name or name.startswith("/"):
        return None
    return Path(settings.MEDIA_ROOT).joinpath(*parts[1:])


def _read_manifest(tar: tarfile.TarFile) -> dict:
    first = tar.next()
    if first is None or first.name != MANIFEST:
        raise BackupError("Not a GridBee backup: it does not start with manifest.json.")
    manifest = json.loads(tar.extractfile(first).read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _copy_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tar.extractfile(member) as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, 1024 * 1024)
    os.utime(target, (member.mtime, member.mtime))


def restore_backup(
    path: str | os.PathLike, *, force: bool = False, alias: str = "default"
) -> Outcome:
    """Restores into this installation's database and MEDIA_ROOT (or its object storage),
    which must be empty unless `force`. Stop the server first: a restore replaces the
    database under it."""
    connection = _database(alias)
    connection.close()  # SQLite: the file is about to be replaced
    settings_dict = connection.settings_dict
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No such file: {path}")
    with tarfile.open(path, mode="r|gz") as tar:
        manifest = _read_manifest(tar)
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                f"This backup holds a {manifest['engine']} database; this installation uses "
                f"{connection.vendor}. Restore it into the same kind of database."
            )
        if connection.vendor == "sqlite":
            database = Path(settings_dict["NAME"])
            occupied = _sqlite_has_tables(database)
        else:
            occupied = _pg_prepare(settings_dict)
        if not force and (occupied or not _media_is_empty()):
            raise BackupError(
                "The database or the media folder is not empty: restore into an empty data "
                "folder (GRIDBEE_DATA_DIR) and database, or pass --force to replace what is "
                "there."
            )
        media_files, secret = 0, False
        objects = backup_objects.object_storage()
        with tempfile.TemporaryDirectory(prefix="gridbee-restore-", dir=settings.DATA_DIR) as w:
            for member in tar:
                if member.name == MANIFEST:
                    continue  # read already
                if member.name == manifest["database"] and member.isfile():
                    dump = Path(w) / member.name
                    _copy_member(tar, member, dump)
                    if connection.vendor == "sqlite":
                        _replace_sqlite(dump, database)
                    else:
                        _pg_restore(dump, settings_dict, clean=occupied)
                elif member.name == SECRET and member.isfile():
                    secret = _restore_secret(tar.extractfile(member).read())
                elif member.isfile() and (target := _media_path(member.name)):
                    if objects is None:
                        _copy_member(tar, member, target)
                    else:
                        name = target.relative_to(settings.MEDIA_ROOT).as_posix()
                        backup_objects.put_object(objects, name, tar.extractfile(member))
                    media_files += 1
                elif not member.isdir():
                    raise BackupError(f"Unexpected entry in the backup: {member.name!r}")
    return Outcome(path, manifest["engine"], manifest["database_bytes"], media_files, secret)


def _replace_sqlite(dump: Path, database: Path) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    staged = database.with_name(f".{database.name}.restoring")
    shutil.move(dump, staged)
    # A write-ahead log left from the old database would be replayed into the new one.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.replace(staged, database)


def _pg_restore(dump: Path, settings_dict: dict, *, clean: bool) -> None:
    command = [
        pg_tool("pg_restore"),
        "--no-owner",  # the objects belong to whoever restores them
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",  # all or nothing
        "--dbname",
        settings_dict["NAME"],
    ]
    if clean:
        command += ["--clean", "--if-exists"]
    _run([*command, str(dump)], _pg_env(settings_dict))


def _restore_secret(data: bytes) -> bool:
    key_file = settings.SECRET_KEY_FILE
    if key_file is None:  # GRIDBEE_SECRET_KEY is set: the environment's key wins
        return False
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(key_file, 0o600)
    return True
