"""The photos of a backup when they live in S3-compatible object storage (settings.S3_BUCKET)
rather than under MEDIA_ROOT: every object of the storage (under its location) goes into the
archive as ``media/<name>``, as a file under MEDIA_ROOT would, and comes back as an object of
the same name. An archive made from one kind of storage restores into the other."""

import tarfile

from django.core.files.storage import default_storage


def object_storage():
    """The default storage when it is S3 object storage, else None."""
    from storages.backends.s3 import S3Storage

    return default_storage if isinstance(default_storage, S3Storage) else None


def _prefix(storage) -> str:
    location = (storage.location or "").strip("/")
    return f"{location}/" if location else ""


def list_objects(storage) -> list[tuple[str, str, int, float]]:
    """(media name, object key, size, modified as a timestamp) of every object, by name."""
    prefix = _prefix(storage)
    found = []
    for summary in storage.bucket.objects.filter(Prefix=prefix):
        if summary.key.endswith("/"):
            continue  # a folder marker some tools create
        name, modified = summary.key[len(prefix) :], summary.last_modified.timestamp()
        found.append((name, summary.key, summary.size, modified))
    return sorted(found)


def add_object(tar: tarfile.TarFile, storage, item, arcname: str) -> None:
    """Stream one object into the archive; an object deleted since the listing is skipped."""
    from botocore.exceptions import ClientError

    _name, key, size, modified = item
    try:
        body = storage.bucket.Object(key).get()["Body"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return
        raise
    info = tarfile.TarInfo(arcname)
    info.size, info.mtime, info.mode = size, modified, 0o600
    with body:
        tar.addfile(info, fileobj=body)


def is_empty(storage) -> bool:
    return not any(True for _ in storage.bucket.objects.filter(Prefix=_prefix(storage)).limit(1))


def put_object(storage, name: str, source) -> None:
    """The archive member source (a file object read once, front to back) as object name."""
    storage.bucket.upload_fileobj(_ReadOnly(source), _prefix(storage) + name)


class _ReadOnly:
    """A member of a streamed archive says it can seek, and cannot: upload it as a stream."""

    def __init__(self, source):
        self.read = source.read
