"""`gridbee backup` and `gridbee restore`: reports and their photos backed up from a running
installation come back, every one, in an empty data folder (another database on PostgreSQL),
restored by a separate process as an operator would."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from gridbee.cases.models import Report
from gridbee.core.backup import create_backup
from gridbee.core.tests.s3 import s3_endpoint  # noqa: F401 (a fixture)
from gridbee.geo.tests import layers
from gridbee.people.tests import county as county_module
from gridbee.reports.actions import Sender, ensure_default_categories, submit_report
from gridbee.reports.tests import images

pytestmark = pytest.mark.django_db(transaction=True)  # the backup reads what is committed

LIST_REPORTS = textwrap.dedent(
    """
    import hashlib, json, os
    from pathlib import Path
    import django
    django.setup()
    from django.conf import settings
    from gridbee.cases.models import Report

    def digest(name):
        return hashlib.sha256((Path(settings.MEDIA_ROOT) / name).read_bytes()).hexdigest()

    print(json.dumps({
        "media_root": str(settings.MEDIA_ROOT),
        "reports": {
            str(r.pk): [[f.name, digest(f.name)] for p in r.photos.all()
                        for f in (p.image, p.thumbnail)]
            for r in Report.objects.prefetch_related("photos")
        },
    }))
    """
)


def listing() -> dict[str, list]:
    root = Path(settings.MEDIA_ROOT)
    return {
        str(r.pk): [
            [f.name, hashlib.sha256((root / f.name).read_bytes()).hexdigest()]
            for p in r.photos.all()
            for f in (p.image, p.thumbnail)
        ]
        for r in Report.objects.prefetch_related("photos")
    }


@pytest.fixture
def county_with_photos(settings, tmp_path):
    return reports_with_photos(settings, tmp_path, "backup", [1, 2, 3])


def reports_with_photos(settings, tmp_path, key: str, photos: list[int], storage=None):
    """The test county, and a report with photos[n] photos for each n, stored in storage
    (default: files under MEDIA_ROOT, also where the suite runs with S3 configured)."""
    disk = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    settings.STORAGES = settings.STORAGES | {"default": storage or disk}
    settings.MEDIA_ROOT = str(tmp_path / "media")
    ensure_default_categories()
    county = county_module.build()
    for n, many in enumerate(photos):
        submit_report(
            Sender.of_partner(county.partner),
            idempotency_key=f"{key}-{n}",
            category_code="overflowing_bins",
            lat=layers.Y0 + 0.005 + n * 0.002,
            lon=layers.X0 + 0.005,
            photos=[images.jpeg(320, 240, colour=(40 * n, 90, 160))] * many,
        )
    return county


@pytest.fixture
def target(tmp_path):
    """An empty installation to restore into: a data folder, and on PostgreSQL a database of
    another name (created by the restore, dropped afterwards)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDBEE_", "DJANGO_"))}
    env["GRIDBEE_DATA_DIR"] = str(tmp_path / "restored")
    database = None
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        database = f"{s['NAME']}_restored"
        login = quote(s["USER"] or "", safe="")
        if s["PASSWORD"]:
            login += ":" + quote(s["PASSWORD"], safe="")
        host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        env["GRIDBEE_DATABASE_URL"] = f"postgres://{login}@{host}/{database}"
        _drop(database)
    yield env
    if database:
        _drop(database)


def _drop(database: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def gridbee(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gridbee.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_report_and_photo_comes_back_in_an_empty_installation(
    county_with_photos, target, tmp_path
):
    before = listing()
    assert len(before) == 3 and sum(len(files) for files in before.values()) == 2 * (1 + 2 + 3)

    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups") + os.sep, stdout=out)
    archive = Path(out.getvalue().strip().splitlines()[-1])
    assert archive.parent == tmp_path / "backups" and archive.name.endswith(".tar.gz")
    assert archive.stat().st_mode & 0o077 == 0  # as secret as the database

    restored = gridbee(target, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "12 media files" in restored.stdout

    seen = json.loads(
        subprocess.run(
            [sys.executable, "-c", LIST_REPORTS],
            env=target | {"DJANGO_SETTINGS_MODULE": "gridbee.settings"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert seen["media_root"] == str(tmp_path / "restored" / "media")
    assert seen["reports"] == before  # every report, every photo file, byte for byte
    if settings.SECRET_KEY_FILE is not None:  # Open311 tokens and sessions still hold
        key = (tmp_path / "restored" / "secret_key").read_text().strip()
        assert key == settings.SECRET_KEY

    again = gridbee(target, "restore", str(archive))
    assert again.returncode != 0 and "not empty" in again.stderr
    forced = gridbee(target, "restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stderr


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's online backup",
)
def test_a_backup_taken_while_a_write_is_under_way_holds_what_was_committed(
    county_with_photos, tmp_path
):
    writer = sqlite3.connect(connection.settings_dict["NAME"], timeout=1)
    try:
        writer.execute("BEGIN IMMEDIATE")  # the server in the middle of a write
        writer.execute("UPDATE people_user SET name = 'not yet' WHERE mobile = '13900000004'")
        outcome = create_backup(tmp_path)
    finally:
        writer.rollback()
        writer.close()
    with tarfile.open(outcome.path) as tar:
        tar.extract("database.sqlite3", tmp_path, filter="data")
    copy = sqlite3.connect(tmp_path / "database.sqlite3")
    name = copy.execute("SELECT name FROM people_user WHERE mobile = '13900000004'").fetchone()
    copy.close()
    assert name == ("刘网格",)


def crafted(tmp_path: Path, engine: str, *members: tuple[str, bytes]) -> Path:
    path = tmp_path / "crafted.tar.gz"
    manifest = {
        "format": 1,
        "engine": engine,
        "database": "database.sqlite3",
        "database_bytes": 0,
    }
    with tarfile.open(path, "w:gz") as tar:
        for name, data in [("manifest.json", json.dumps(manifest).encode()), *members]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def sqlite_target(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDBEE_", "DJANGO_"))}
    return env | {"GRIDBEE_DATA_DIR": str(tmp_path / "restored")}


@pytest.mark.django_db(transaction=False)
def test_an_archive_cannot_write_outside_the_media_folder(tmp_path):
    archive = crafted(tmp_path, "sqlite", ("media/../../escaped.txt", b"x"))
    result = gridbee(sqlite_target(tmp_path), "restore", str(archive))
    assert result.returncode != 0 and "Unexpected entry" in result.stderr
    assert not (tmp_path / "escaped.txt").exists()


@pytest.mark.django_db(transaction=False)
def test_a_backup_restores_only_into_the_same_kind_of_database(tmp_path):
    archive = crafted(tmp_path, "postgresql")
    result = gridbee(sqlite_target(tmp_path), "restore", str(archive))
    assert result.returncode != 0 and "same kind of database" in result.stderr


# -- photos in S3 object storage --------------------------------------------------------------


def _s3_options(endpoint: str, bucket: str) -> dict:
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "access_key": "test",
        "secret_key": "test-secret",
        "region_name": "us-east-1",
        "addressing_style": "path",
        "file_overwrite": False,
    }


def _objects(endpoint: str, bucket: str) -> dict[str, str]:
    import boto3

    s3 = boto3.resource("s3", **_s3_client(endpoint))
    return {
        o.key: hashlib.sha256(o.get()["Body"].read()).hexdigest()
        for o in s3.Bucket(bucket).objects.all()
    }


def _s3_client(endpoint: str) -> dict:
    return {
        "endpoint_url": endpoint,
        "aws_access_key_id": "test",
        "aws_secret_access_key": "test-secret",
        "region_name": "us-east-1",
    }


def test_photos_in_object_storage_are_backed_up_and_restored(
    settings,
    tmp_path,
    target,
    s3_endpoint,  # noqa: F811
):
    import boto3

    s3 = boto3.client("s3", **_s3_client(s3_endpoint))
    for bucket in ("photos", "photos-restored"):
        s3.create_bucket(Bucket=bucket)
    storage = {
        "BACKEND": "gridbee.core.storage.SharedS3Storage",
        "OPTIONS": _s3_options(s3_endpoint, "photos"),
    }
    reports_with_photos(settings, tmp_path, "backup-s3", [1, 1], storage)
    stored = _objects(s3_endpoint, "photos")
    photos = [f.name for r in Report.objects.all() for p in r.photos.all() for f in [p.image]]
    assert len(photos) == 2 and set(photos) <= set(stored)
    assert not (tmp_path / "media").exists()  # nothing of it on the disk

    (tmp_path / "backups").mkdir()
    outcome = create_backup(tmp_path / "backups" / "with-s3.tar.gz")
    assert outcome.media_files == len(stored)

    restore_env = target | {
        "GRIDBEE_S3_BUCKET": "photos-restored",
        "GRIDBEE_S3_ENDPOINT_URL": s3_endpoint,
        "GRIDBEE_S3_ACCESS_KEY": "test",
        "GRIDBEE_S3_SECRET_KEY": "test-secret",
        "GRIDBEE_S3_REGION": "us-east-1",
    }
    restored = gridbee(restore_env, "restore", str(outcome.path))
    assert restored.returncode == 0, restored.stderr
    assert f"{len(stored)} media files" in restored.stdout
    assert _objects(s3_endpoint, "photos-restored") == stored  # every object, byte for byte
    assert not (tmp_path / "restored" / "media").exists()

    again = gridbee(restore_env, "restore", str(outcome.path))
    assert again.returncode != 0 and "not empty" in again.stderr
