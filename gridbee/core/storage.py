"""Photos in S3-compatible object storage (settings.S3_BUCKET), through django-storages.

django-storages makes a boto3 session and resource per thread, and under ASGI every request's
sync code runs in a thread of its own: ~80 ms of CPU per request only to load boto3's service
model again (bench/intake.py --rig: 258 ms of server CPU per report with it). Here one resource
serves the whole process: its low-level client, which does the requests, is thread-safe, and
each call makes its own Object."""

import threading

from storages.backends.s3 import S3Storage


class SharedS3Storage(S3Storage):
    _lock = threading.Lock()
    _shared: dict = {}

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
