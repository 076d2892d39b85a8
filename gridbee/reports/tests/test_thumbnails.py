"""Thumbnails made after intake (thumbnails.py): the photo stands in until one exists, a task
that ran too early is retried, a lost one is made by the sweep, and a second run changes
nothing."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from gridbee.cases.models import Photo
from gridbee.core import media
from gridbee.reports import thumbnails

from . import images
from .test_intake import partner_client, post


def _waiting_photo(county) -> tuple:
    """A report's photo as intake leaves it before the worker's turn: no thumbnail yet."""
    client = partner_client(county)
    body = post(client).json()
    photo = Photo.objects.get(report_id=body["report_id"])
    Photo.objects.filter(pk=photo.pk).update(thumbnail="")
    return client, Photo.objects.get(pk=photo.pk)


def test_intake_leaves_an_upright_jpeg_undecoded_and_without_thumbnail():
    processed = media.process_photo(images.jpeg(), thumbnail=False)
    assert processed.thumbnail == b"" and processed.image[:2] == b"\xff\xd8"
    turned = media.process_photo(images.jpeg(orientation=6), thumbnail=False)
    assert turned.thumbnail  # decoded anyway to turn it: the thumbnail comes along


def test_the_photo_stands_in_for_its_thumbnail_until_the_worker_made_it(county):
    client, photo = _waiting_photo(county)
    url = f"/api/photos/{photo.pk}?thumbnail=true"
    served = b"".join(client.get(url).streaming_content)
    assert Image.open(io.BytesIO(served)).size == (2048, 1536)
    assert thumbnails.make(photo.pk) is True
    served = b"".join(client.get(url).streaming_content)
    assert max(Image.open(io.BytesIO(served)).size) == media.THUMBNAIL_EDGE
    assert thumbnails.make(photo.pk) is False  # a retry or the sweep after it: nothing to do


@pytest.mark.django_db
def test_a_task_before_the_commit_is_retried():
    with pytest.raises(thumbnails.NotYetCommitted):
        thumbnails.make(10**9)


def test_the_sweep_makes_what_a_lost_task_left_undone(county):
    _, photo = _waiting_photo(county)
    assert thumbnails.sweep() == 0  # too fresh: its task may still be on the way
    later = timezone.now() + thumbnails.SWEEP_AFTER + datetime.timedelta(seconds=1)
    assert thumbnails.sweep(now=later) == 1
    with Image.open(Photo.objects.get(pk=photo.pk).thumbnail) as thumb:
        assert thumb.size == (320, 240) and not thumb.getexif()
