"""Photos in S3-compatible storage (core/storage.py): one request each way, no HEAD before a
new name, checksums only where an operation requires them; against a real S3 API server (s3.py),
each request the client sends seen through botocore's own events."""

import io
import itertools

import boto3
import pytest
from django.db import models

from gridbee.core.storage import SharedS3Storage, save_new
from gridbee.core.tests.s3 import s3_endpoint  # noqa: F401 (a fixture)

_buckets = itertools.count(1)


@pytest.fixture
def s3(s3_endpoint):  # noqa: F811
    bucket = f"photos-{next(_buckets)}"
    boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id="test",
        aws_secret_access_key="test-secret", region_name="us-east-1",
    ).create_bucket(Bucket=bucket)  # fmt: skip
    storage = SharedS3Storage(
        bucket_name=bucket,
        endpoint_url=s3_endpoint,
        access_key="test",
        secret_key="test-secret",
        region_name="us-east-1",
        addressing_style="path",
        default_acl=None,
        file_overwrite=False,
    )
    sent = []

    def seen(request, **_):
        sent.append((request.method, request.url.split("?")[0].rsplit("/", 1)[-1]))

    storage.client.meta.events.register("before-send.s3", seen)
    yield storage, sent
    storage.client.meta.events.unregister("before-send.s3", seen)


def _field(storage) -> models.FileField:
    field = models.FileField(upload_to="reports/%Y/%m/", storage=storage)
    field.set_attributes_from_name("image")
    return field


def test_a_photo_under_a_new_name_is_one_put_and_comes_back_with_one_get(s3):
    storage, sent = s3
    data = b"\xff\xd8 a photo \xff\xd9"
    first = save_new(_field(storage), data)
    assert first.startswith("reports/") and first.endswith(".jpg")
    assert [method for method, _ in sent] == ["PUT"]
    assert save_new(_field(storage), data) != first  # each name is new
    sent.clear()
    with storage.open(first, "rb") as f:
        assert f.read() == data
    assert [method for method, _ in sent] == ["GET"]


def test_a_missing_photo_is_file_not_found(s3):
    storage, _ = s3
    with pytest.raises(FileNotFoundError):
        storage.open("reports/nothing-here.jpg", "rb")


def test_an_ordinary_save_still_asks_whether_the_name_is_taken(s3):
    storage, sent = s3
    assert storage.save("a.jpg", io.BytesIO(b"data")) == "a.jpg"
    name = storage.save("a.jpg", io.BytesIO(b"other"))
    assert name != "a.jpg" and name.startswith("a_")
    assert "HEAD" in [method for method, _ in sent]
    with storage.open("a.jpg", "rb") as f:
        assert f.read() == b"data"  # the first one is untouched


def test_checksums_only_when_an_operation_requires_them(s3):
    storage, _ = s3
    config = storage.client.meta.config
    assert config.request_checksum_calculation == "when_required"
    assert config.response_checksum_validation == "when_required"
    assert config.s3["addressing_style"] == "path"  # django-storages' own settings kept
