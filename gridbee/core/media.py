"""Photos, for every part that takes them (reports, handling results, crowd checks, and later
alerts and activities): prove it is an image, refuse bombs and absurd shapes, put it upright, strip
every bit of metadata (GPS above all), make a thumbnail. Two ways through:

- An upright JPEG keeps its compressed pixels untouched, several times cheaper than
  re-encoding: its segments are walked from the start of the image to the end-of-image marker
  that closes the primary image and only what decoding needs is copied. Whatever follows that
  marker (the motion-photo video a phone appends, the second image of an MPF or Ultra HDR file
  with EXIF and GPS of its own) is cut. The thumbnail comes from a reduced decode (1/8 scale)
  of the bytes kept, which also proves they decode.
- Anything else (PNG, WebP, a JPEG to be turned upright, a JPEG of unexpected structure) is
  decoded once, whole, turned upright and re-encoded; the thumbnail is made from the same
  decoded image. A whole decode costs 3-4 bytes a pixel, twice over while turning, so it has
  a lower pixel cap, and at most settings.PHOTO_DECODES photos are processed at once per
  process (bench/photo_memory.py measures what the worst accepted photo costs)."""

import hashlib
import io
import re
import struct
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from .errors import DomainError, ErrorCode


class MediaError(ErrorCode):
    """Refusals of a photo, wherever it is sent (a report, a handling result, a crowd check).
    The codes keep the names the API has always answered with."""

    PHOTO_TOO_LARGE = (
        "reports.photo_too_large",
        413,
        _("A photo is too large (at most 12 MB). Send a smaller one."),
    )
    PHOTO_TOO_MANY_PIXELS = (
        "reports.photo_too_many_pixels",
        400,
        _("A photo has too many pixels (at most 60 megapixels)."),
    )
    PHOTO_TOO_MANY_PIXELS_TO_DECODE = (
        "reports.photo_too_many_pixels",
        400,
        _(
            "A PNG or WebP photo has too many pixels (at most 24 megapixels, 12 for WebP). "
            "Send a JPEG."
        ),
    )
    PHOTO_BAD_SHAPE = (
        "reports.photo_bad_shape",
        400,
        _(
            "A photo's shape is implausible: at most 12,000 pixels on a side, and its long "
            "side at most 10 times its short side."
        ),
    )
    PHOTOS_BUSY = (
        "reports.photos_busy",
        503,
        _("The server is busy with other photos. Please send again in a moment."),
    )
    NOT_AN_IMAGE = (
        "reports.not_an_image",
        400,
        _("A file is not a photo we can read (JPEG, PNG or WebP)."),
    )


MAX_BYTES = 12 * 1024 * 1024
# An upright JPEG is only decoded at 1/8 scale, for the thumbnail: 7 MB at 60 MP, or 180 MB
# when progressive (libjpeg keeps every coefficient for the later scans), no more than a
# whole decode at its cap.
MAX_PIXELS = 60_000_000
# A whole decode, as bench/photo_memory.py measures it: a 24 MP (6000×4000) JPEG or PNG peaks
# at ~185 MB, the decoded pixels and their copy while being turned or made RGB. Pillow's WebP
# decoder holds two RGBA canvases and the frame's bytes besides, twice that a pixel: WebP gets
# half the pixels. A JPEG above its cap is decoded at 1/2 to 1/8 scale instead of refused.
MAX_DECODED_PIXELS = {"JPEG": 24_000_000, "MPO": 24_000_000, "PNG": 24_000_000, "WEBP": 12_000_000}
MAX_EDGE = 12_000
MAX_ASPECT = 10  # long side to short side
THUMBNAIL_EDGE = 320
FORMATS = ["JPEG", "PNG", "WEBP"]
JPEG_FORMATS = {"JPEG", "MPO"}  # Pillow names a JPEG with an MPF index MPO
ORIENTATION = 0x0112
# EXIF orientation → the transposition that puts the image upright (as ImageOps.exif_transpose).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class Processed:
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str


def read_upload(upload) -> bytes:
    """An uploaded photo's bytes, refused unread when it declares more than MAX_BYTES."""
    if upload.size and upload.size > MAX_BYTES:
        raise DomainError(MediaError.PHOTO_TOO_LARGE)
    return upload.read()


def process_photo(data: bytes, thumbnail: bool = True) -> Processed:
    """The photo as stored, checked and stripped. Without ``thumbnail`` an upright JPEG is not
    decoded here at all (its thumbnail, which decodes it, is made later by ``make_thumbnail``,
    off the request's critical path) and ``Processed.thumbnail`` is empty; a photo decoded
    anyway (turned or re-encoded) still comes with its thumbnail."""
    if len(data) > MAX_BYTES:
        raise DomainError(MediaError.PHOTO_TOO_LARGE)
    with decode_slot():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                return _process(data, thumbnail)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise DomainError(MediaError.PHOTO_TOO_MANY_PIXELS) from None
        except (
            UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error, EOFError
        ):  # fmt: skip
            raise DomainError(MediaError.NOT_AN_IMAGE) from None


def _process(data: bytes, thumbnail: bool = True) -> Processed:
    # Image.open reads the header only: every check below runs before any pixel is decoded.
    image = Image.open(io.BytesIO(data), formats=FORMATS)
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise DomainError(MediaError.PHOTO_TOO_MANY_PIXELS)
    if not (0 < width <= MAX_EDGE and 0 < height <= MAX_EDGE) or (
        max(width, height) > MAX_ASPECT * min(width, height)
    ):
        raise DomainError(MediaError.PHOTO_BAD_SHAPE)
    jpeg = image.format in JPEG_FORMATS
    if not jpeg and width * height > MAX_DECODED_PIXELS[image.format]:
        raise DomainError(MediaError.PHOTO_TOO_MANY_PIXELS_TO_DECODE)
    orientation = image.getexif().get(ORIENTATION, 1)
    if jpeg and orientation == 1:
        try:
            stored = strip_jpeg_metadata(data)
        except ValueError:
            stored = None  # not the structure expected: re-encoded below, never passed on
        if stored is not None:
            kept = Image.open(io.BytesIO(stored), formats=["JPEG"])
            size = kept.size
            return _done(stored, _thumbnail(_reduced(kept)) if thumbnail else b"", size)
    if jpeg:
        _fit_decode(image)
    upright = _upright(image, orientation)
    thumbnail = _thumbnail(upright)
    stored = _jpeg(upright, quality=85)
    return _done(stored, thumbnail, upright.size)


def make_thumbnail(stored: bytes) -> bytes:
    """The thumbnail of a photo as process_photo stored it (a JPEG without metadata)."""
    with decode_slot():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                return _thumbnail(_reduced(Image.open(io.BytesIO(stored), formats=["JPEG"])))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise DomainError(MediaError.PHOTO_TOO_MANY_PIXELS) from None
        except (
            UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error, EOFError
        ):  # fmt: skip
            raise DomainError(MediaError.NOT_AN_IMAGE) from None


def _done(stored: bytes, thumbnail: bytes, size: tuple[int, int]) -> Processed:
    return Processed(stored, thumbnail, *size, hashlib.sha256(stored).hexdigest())


def _reduced(image: Image.Image) -> Image.Image:
    # draft() lets the JPEG decoder scale by 1/2..1/8 while decoding (to no less than the
    # size asked): the whole image is decoded, so a corrupt file is caught, at a fraction of
    # the cost.
    image.draft("RGB", (THUMBNAIL_EDGE, THUMBNAIL_EDGE))
    return _upright(image, 1)


def _fit_decode(image: Image.Image) -> None:
    """A JPEG above the whole-decode cap is decoded at the largest of 1/2, 1/4, 1/8 scale
    that fits under it (the copy kept is then that much smaller)."""
    width, height = image.size
    scale, cap = 1, MAX_DECODED_PIXELS[image.format]
    while -(-width // scale) * -(-height // scale) > cap and scale < 8:
        scale *= 2
    if scale > 1:
        image.draft("RGB", (width // scale, height // scale))


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    """The pixels as a person holding the phone saw them (EXIF orientation applied), RGB.
    A step copies the image only when it changes it, and frees the image it replaces (the
    one given included): no more than two copies of the pixels exist at any time."""
    if image.mode != "RGB":
        converted = image.convert("RGB")
        image.close()
        image = converted
    method = _TRANSPOSE.get(orientation)
    if method is None:
        return image
    turned = image.transpose(method)
    image.close()
    return turned


def _thumbnail(image: Image.Image) -> bytes:
    width, height = image.size
    scale = min(THUMBNAIL_EDGE / width, THUMBNAIL_EDGE / height, 1)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # A box reduction to within 2× of the size, then Pillow's bilinear filter (antialiased
    # when shrinking: at thumbnail size it looks the same as bicubic and costs half as much).
    small = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return _jpeg(small, quality=80)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=False)  # no exif= given: none written
    return out.getvalue()


# The one-at-a-time part: photo decoding --------------------------------------------------

_slots_lock = threading.Lock()
_slots: tuple[int, threading.BoundedSemaphore] | None = None


def _decode_slots() -> threading.BoundedSemaphore:
    global _slots
    count = settings.PHOTO_DECODES
    with _slots_lock:
        if _slots is None or _slots[0] != count:
            _slots = (count, threading.BoundedSemaphore(count))
        return _slots[1]


@contextmanager
def decode_slot():
    """One of the process's PHOTO_DECODES places for processing a photo. A request that waits
    longer than PHOTO_DECODE_WAIT_SECONDS for one is answered "busy" (503): the phone keeps
    the report and sends it again, and the server's memory stays bounded."""
    slots = _decode_slots()
    if not slots.acquire(timeout=settings.PHOTO_DECODE_WAIT_SECONDS):
        raise DomainError(MediaError.PHOTOS_BUSY)
    try:
        yield
    finally:
        slots.release()


# JPEG structure --------------------------------------------------------------------------

_SOI, _EOI, _SOS, _COM = 0xD8, 0xD9, 0xDA, 0xFE
_APP0, _APP14 = 0xE0, 0xEE
# Segments decoding needs, copied as they are: quantization and Huffman tables (DQT, DHT),
# arithmetic-coding conditioning (DAC), the restart interval (DRI), the number of lines (DNL).
_TABLES = {0xDB, 0xC4, 0xCC, 0xDD, 0xDC}
# Frame headers: baseline, extended, progressive, lossless, and their arithmetic-coded forms.
# Hierarchical frames (SOF5-7, SOF13-15) and JPEG-LS do not occur in photos: re-encoded.
_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCA, 0xCB}
# In entropy-coded data an 0xFF byte is followed by 0x00 (a stuffed 0xFF) or RST0-7; an 0xFF
# followed by anything but those or another 0xFF (a fill byte) starts the next marker. (No
# "\xff+" here: the regex engine then tries every byte, ten times slower.)
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The primary image of a JPEG file with nothing but what decoding needs; the compressed
    pixels are copied as they are. Kept besides the tables, frame and scans: a JFIF APP0
    header without its thumbnail (it says the colours are YCbCr) and an Adobe APP14 header
    (it says how the channels are coded: without it an RGB or CMYK JPEG decodes to wrong
    colours). Dropped: every other APPn and COM, wherever they stand (also between the scans
    of a progressive JPEG): EXIF with GPS, XMP, MPF, ICC, IPTC, maker notes, comments; the
    ICC profile too, as every re-encoded photo and thumbnail is stored as sRGB without one.
    Cut: everything after the end-of-image marker. Raises ValueError on anything else."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    out = [b"\xff\xd8"]
    pos, end = 2, len(data)
    frame = scans = 0
    while True:
        if pos >= end or data[pos] != 0xFF:
            raise ValueError("no marker where one must be")
        while pos < end and data[pos] == 0xFF:  # fill bytes may precede any marker
            pos += 1
        if pos + 1 > end:
            raise ValueError("no end of image")
        marker = data[pos]
        pos += 1
        if marker == _EOI:
            if not scans:
                raise ValueError("no image data")
            out.append(b"\xff\xd9")
            return b"".join(out)
        if pos + 2 > end:
            raise ValueError("truncated segment")
        (length,) = struct.unpack_from(">H", data, pos)
        if length < 2 or pos + length > end:
            raise ValueError("truncated segment")
        segment = bytes((0xFF, marker)) + data[pos : pos + length]
        body = data[pos + 2 : pos + length]
        pos += length
        if marker in _TABLES:
            out.append(segment)
        elif marker in _FRAMES:
            frame += 1
            if frame > 1:
                raise ValueError("two frames")
            out.append(segment)
        elif marker == _SOS:
            if not frame:
                raise ValueError("scan before frame")
            found = _NEXT_MARKER.search(data, pos)
            if found is None:
                raise ValueError("no end of image")
            out.append(segment)
            # Data never ends in 0xFF (it is stuffed): any there are fill bytes.
            out.append(data[pos : found.start()].rstrip(b"\xff"))
            pos = found.start()
            scans += 1
        elif marker == _APP0 and body[:5] == b"JFIF\x00" and len(body) >= 14:
            # Version, density unit and densities; no thumbnail (0×0).
            out.append(b"\xff\xe0\x00\x10" + body[:12] + b"\x00\x00")
        elif marker == _APP14 and body[:5] == b"Adobe" and len(body) >= 12:
            out.append(b"\xff\xee\x00\x0e" + body[:12])  # version, flags, colour transform
        elif 0xE0 <= marker <= 0xEF or marker == _COM:
            continue
        else:
            raise ValueError(f"unexpected marker 0x{marker:02X}")
