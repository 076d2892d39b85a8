"""The photo pipeline: only the primary image's pixels are stored (no metadata anywhere, nothing
after its end), upright JPEGs stay lossless, absurd shapes and too many pixels are refused
before decoding, and a busy server says so instead of holding the request."""

import io
import struct
import threading

import pytest
from PIL import Image

from gridbee.cases.models import Photo, Report
from gridbee.core import media

from . import images
from .test_intake import nothing_stored, partner_client, post, stored_files

PHONE_FILES = {
    "progressive, EXIF with GPS between two scans": images.progressive_with_gps_between_scans,
    "motion photo: a second JPEG with GPS, then an MP4": images.motion_photo,
    "Ultra HDR: a gain map JPEG with GPS after the primary": images.ultra_hdr_like,
    "MPF (MPO): two JPEGs, both with GPS": images.mpo,
}


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:  # an MPO opens on its primary image
        return image.convert("RGB").tobytes()


def assert_nothing_but_pixels(stored: bytes) -> None:
    for trace in (b"Exif", b"MM\x00*", b"II*\x00", b"hdrgm", b"http://ns.adobe.com", b"MPF\x00",
                  b"ftyp", b"GridBeePhone", b"SecondCamera"):  # fmt: skip
        assert trace not in stored, trace
    # One image, ending at its end-of-image marker: nothing appended.
    assert stored.count(b"\xff\xd8") == 1 and stored.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
        assert not {"exif", "xmp", "mp", "icc_profile", "comment"} & set(image.info)


@pytest.mark.parametrize("make", PHONE_FILES.values(), ids=PHONE_FILES.keys())
def test_only_the_primary_image_is_stored_and_its_pixels_are_untouched(county, make):
    sent = make()
    body = post(partner_client(county), photos=[sent]).json()
    photo = Photo.objects.get(report_id=body["report_id"])
    stored = photo.image.read()
    assert_nothing_but_pixels(stored)
    assert pixels(stored) == pixels(sent)  # lossless: the compressed data was copied
    assert (photo.width, photo.height) == (640, 480)
    with Image.open(photo.thumbnail) as thumb:
        assert thumb.size == (320, 240)


def test_restart_markers_and_stuffed_bytes_are_copied_as_they_are():
    # Noise makes 0xFF bytes (stuffed as FF 00) in the data; a restart marker every block.
    noisy = Image.effect_noise((640, 480), 60).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "JPEG", quality=95, restart_marker_blocks=1)
    clean = out.getvalue()
    assert b"\xff\x00" in clean and b"\xff\xd0" in clean
    # A Pillow JPEG holds nothing to drop: the walk gives it back byte for byte.
    assert media.strip_jpeg_metadata(clean) == clean
    # With a comment and EXIF at its head and a video behind it, the same bytes come back.
    comment = b"\xff\xfe" + struct.pack(">H", 11) + b"a comment"
    dressed = clean[:2] + images.exif_gps_segment() + comment + clean[2:] + b"ftyp"
    assert media.strip_jpeg_metadata(dressed) == clean


def test_a_jpeg_of_unexpected_structure_is_re_encoded_not_passed_on(county):
    sent = images.jpeg(640, 480)
    app0_end = 4 + struct.unpack(">H", sent[4:6])[0]
    # Bytes between two segments: Pillow decodes past them, the walk refuses them.
    odd = sent[:app0_end] + b"junk in between" + sent[app0_end:] + b"\xff\xd8 trailing"
    with pytest.raises(ValueError):
        media.strip_jpeg_metadata(odd)
    body = post(partner_client(county), photos=[odd]).json()
    stored = Photo.objects.get(report_id=body["report_id"]).image.read()
    assert_nothing_but_pixels(stored)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (640, 480)


def png_header(width: int, height: int) -> bytes:
    return images.png_header_only(width, height)


def webp(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 90, 90)).save(out, "WEBP", quality=50, method=0)
    return out.getvalue()


@pytest.mark.parametrize(
    ("photo", "code"),
    [
        (png_header(65_000, 1), "reports.photo_bad_shape"),
        (png_header(12_001, 2_000), "reports.photo_bad_shape"),
        (png_header(2_000, 12_001), "reports.photo_bad_shape"),
        (png_header(1_100, 100), "reports.photo_bad_shape"),  # 11:1
        (png_header(100, 1_001), "reports.photo_bad_shape"),
        (png_header(6_000, 4_001), "reports.photo_too_many_pixels"),  # a whole decode > 24 MP
        (png_header(7_800, 7_800), "reports.photo_too_many_pixels"),  # > 60 MP
        (webp(4_243, 2_829), "reports.photo_too_many_pixels"),  # a WebP decode > 12 MP
    ],
    ids=[
        "65000x1",
        "edge-12001",
        "edge-12001-tall",
        "11-to-1",
        "1-to-10.01",
        "png-24MP",
        "61MP",
        "webp-12MP",
    ],
)
def test_absurd_shapes_and_too_many_pixels_are_refused_from_the_header(county, photo, code):
    # The PNGs hold a header only: decoding them would fail as not_an_image.
    before = stored_files()
    response = post(partner_client(county), photos=[photo])
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code and "像素" in body["message"]  # said in Chinese
    assert nothing_stored(before)


def test_a_wide_photo_within_the_limits_is_taken(county):
    response = post(partner_client(county), photos=[images.jpeg(2000, 200)])  # 10:1
    assert response.status_code == 201


def test_a_large_photo_to_be_turned_is_decoded_at_half_scale(county):
    # 26 MP, sideways: above the whole-decode cap, so the decoder halves it while decoding.
    sent = images.jpeg(6240, 4160, orientation=6, gps=True)
    body = post(partner_client(county), photos=[sent]).json()
    photo = Photo.objects.get(report_id=body["report_id"])
    assert (photo.width, photo.height) == (2080, 3120)
    with Image.open(photo.image) as image:
        assert image.size == (2080, 3120) and not image.getexif()


def test_a_request_waiting_too_long_for_a_decode_is_told_the_server_is_busy(county, settings):
    settings.PHOTO_DECODES = 1
    settings.PHOTO_DECODE_WAIT_SECONDS = 0.2
    before = stored_files()
    taken, release = threading.Event(), threading.Event()

    def hold():
        with media.decode_slot():
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert taken.wait(5)
        response = post(partner_client(county))
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["code"] == "reports.photos_busy"
    assert nothing_stored(before)
    # Its turn free again, the same report goes in.
    assert post(partner_client(county)).status_code == 201
    assert Report.objects.count() == 1
