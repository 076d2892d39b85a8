"""Photos in S3-compatible storage (core/storage.py): one request each way, no HEAD before a
new name, checksums only where an operation requires them. The S3 API is stubbed (botocore's
Stubber checks each request against the service model); the rig's tests use a real server."""

import io
import itertools

import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber
from django.db import models

from gridbee.core.storage import SharedS3Storage, save_new

_endpoints = itertools.count(1)


@pytest.fixture
def s3():
    # A client of its own: the shared resource is keyed by endpoint.
    storage = SharedS3Storage(
        bucket_name="photos",
        endpoint_url=f"http://127.0.0.1:{next(_endpoints)}",
        access_key="test",
        secret_key="test-secret",
        region_name="us-east-1",
        addressing_style="path",
        default_acl=None,
        file_overwrite=False,
    )
    with Stubber(storage.client) as stubber:
        yield storage, stubber
        stubber.assert_no_pending_responses()


def _field(storage) -> models.FileField:
    field = models.FileField(upload_to="reports/%Y/%m/", storage=storage)
    field.set_attributes_from_name("image")
    return field


def test_a_photo_under_a_new_name_is_one_put_and_nothing_else(s3):
    storage, stubber = s3
    data = b"\xff\xd8 a photo \xff\xd9"
    stubber.add_response(
        "put_object",
        {},
        {
            "Bucket": "photos",
            "Key": ANY,
            "Body": data,
            "ContentType": "image/jpeg",
        },
    )
    first = save_new(_field(storage), data)
    assert first.startswith("reports/") and first.endswith(".jpg")
    stubber.add_response("put_object", {}, None)
    assert save_new(_field(storage), data) != first  # each name is new


def test_an_ordinary_save_still_asks_whether_the_name_is_taken(s3):
    storage, stubber = s3
    stubber.add_response("head_object", {}, {"Bucket": "photos", "Key": "a.jpg"})
    stubber.add_client_error("head_object", "404", http_status_code=404)
    stubber.add_response("put_object", {}, None)
    name = storage.save("a.jpg", io.BytesIO(b"data"))
    assert name != "a.jpg" and name.startswith("a_")


def test_a_photo_is_read_back_with_one_get(s3):
    storage, stubber = s3
    data = b"\xff\xd8 stored \xff\xd9"
    body = StreamingBody(io.BytesIO(data), len(data))
    stubber.add_response("get_object", {"Body": body}, {"Bucket": "photos", "Key": "r/1.jpg"})
    with storage.open("r/1.jpg", "rb") as f:
        assert f.read() == data
    stubber.add_client_error("get_object", "NoSuchKey", http_status_code=404)
    with pytest.raises(FileNotFoundError):
        storage.open("r/2.jpg", "rb")


def test_checksums_only_when_an_operation_requires_them(s3):
    storage, _ = s3
    config = storage.client.meta.config
    assert config.request_checksum_calculation == "when_required"
    assert config.response_checksum_validation == "when_required"
    assert config.s3["addressing_style"] == "path"  # django-storages' own settings kept
