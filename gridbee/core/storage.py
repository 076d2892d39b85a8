"""Photos in S3-compatible object storage (settings.S3_BUCKET), through django-storages.

django-storages makes a boto3 session and resource per thread, and under ASGI every request's
sync code runs in a thread of its own: ~80 ms of CPU per request only to load boto3's service
model again (bench/intake.py --rig: 258 ms of server CPU per report with it). Here one resource
serves the whole process: its low-level client, which does the requests, is thread-safe.

Photos go through that client in one request each way. django-storages writes through boto3's
transfer manager (a thread pool per upload, and a resource Object built from its JSON model per
call) and reads with a HEAD, then a threaded download: for a 1.1 MB photo 12.8 ms of CPU to
write it and 18 ms to read it back, against 5 and 4 ms for one PUT and one GET. A name made new
(save_new) is written without asking first whether it exists (one HEAD less). And botocore
(1.36 on) checksums every body with CRC32 and asks the server for checksums back unless told to
do so only when an operation requires it; S3-compatible servers (Ceph RGW, clouds' OSS) do not
all accept its new checksum trailers either."""

import io
import secrets
import threading

from botocore.config import Config
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile, File
from storages.backends.s3 import S3Storage, _filter_download_params
from storages.utils import clean_name, is_seekable

# Larger bodies (none of GridBee's files) go through django-storages' multipart upload.
ONE_PUT_MAX_BYTES = 64 * 1024 * 1024


class SharedS3Storage(S3Storage):
    _lock = threading.Lock()
    _shared: dict = {}

    def __init__(self, **settings):
        super().__init__(**settings)
        self.client_config = self.client_config.merge(
            Config(
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            )
        )

    @property
    def connection(self):
        key = (self.endpoint_url, self.access_key, self.region_name)
        resource = self._shared.get(key)
        if resource is None:
            with self._lock:
                resource = self._shared.get(key)
                if resource is None:
                    resource = self._shared[key] = super().connection
        return resource

    @property
    def client(self):
        return self.connection.meta.client

    def _save(self, name, content):
        size = getattr(content, "size", None)
        if self.gzip or size is None or size > ONE_PUT_MAX_BYTES:
            return super()._save(name, content)
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        params = self._get_write_parameters(key, content)
        if is_seekable(content):
            content.seek(0)
        body = content.read()
        self.client.put_object(Bucket=self.bucket_name, Key=key, Body=body, **params)
        return cleaned

    def _open(self, name, mode="rb"):
        # Read whole into memory, as django-storages' spooled file also keeps it (its default
        # AWS_S3_MAX_MEMORY_SIZE): GridBee's files are photos of at most 12 MB.
        if mode != "rb":
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        params = _filter_download_params(self.get_object_parameters(key))
        try:
            answer = self.client.get_object(Bucket=self.bucket_name, Key=key, **params)
        except ClientError as err:
            if err.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from None
            raise
        with answer["Body"] as body:
            return File(io.BytesIO(body.read()), name=name)

    def delete(self, name):
        key = self._normalize_name(clean_name(name))
        self.client.delete_object(Bucket=self.bucket_name, Key=key)  # none there: no error


def save_new(field, data: bytes, suffix: str = ".jpg") -> str:
    """data stored for a FileField (its upload_to, its storage) under a name no one has used
    (128 random bits): on S3 without the HEAD that storage.save() sends first to find a free
    name. Returns the name stored, for the field."""
    name = field.generate_filename(None, secrets.token_hex(16) + suffix)
    if isinstance(field.storage, SharedS3Storage):
        return field.storage._save(name, ContentFile(data))
    return field.storage.save(name, ContentFile(data))
