"""Photo intake: prove it is an image, refuse bombs, put it upright, strip every bit of
metadata (GPS above all), make a thumbnail. A JPEG already upright keeps its pixels untouched
(its metadata segments are cut out), which is several times cheaper than re-encoding."""

import hashlib
import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from gridbee.core.errors import DomainError

from .errors import ReportError

MAX_BYTES = 12 * 1024 * 1024
MAX_PIXELS = 60_000_000
THUMBNAIL_EDGE = 320
FORMATS = ["JPEG", "PNG", "WEBP"]
ORIENTATION = 0x0112
# JPEG segments kept: APP0 (JFIF), APP14 (Adobe colour transform), tables, frame and scan
# headers. Dropped: APP1 (EXIF with GPS, XMP), APP2-13, APP15 (ICC, IPTC, maker notes), COM.
_DROP = {*range(0xE1, 0xEE), 0xEF, 0xFE}
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


def process_photo(data: bytes) -> Processed:
    if len(data) > MAX_BYTES:
        raise DomainError(ReportError.PHOTO_TOO_LARGE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise DomainError(ReportError.PHOTO_TOO_MANY_PIXELS)
            orientation = image.getexif().get(ORIENTATION, 1)
            if image.format == "JPEG" and orientation == 1:
                stored = strip_jpeg_metadata(data)
                thumbnail = _thumbnail(image)
            else:
                # A JPEG is decoded twice, small for the thumbnail and whole for the copy
                # kept: cheaper than shrinking the whole image (other formats decode once).
                whole = (
                    Image.open(io.BytesIO(data), formats=["JPEG"])
                    if image.format == "JPEG"
                    else image
                )
                thumbnail = _thumbnail(image, orientation)
                upright = _upright(whole, orientation)
                width, height = upright.size
                stored = _jpeg(upright, quality=85)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError(ReportError.PHOTO_TOO_MANY_PIXELS) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error, EOFError):
        raise DomainError(ReportError.NOT_AN_IMAGE) from None
    return Processed(stored, thumbnail, width, height, hashlib.sha256(stored).hexdigest())


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    """The pixels as a person holding the phone saw them (EXIF orientation applied), RGB."""
    image = image.convert("RGB")
    method = _TRANSPOSE.get(orientation)
    return image if method is None else image.transpose(method)


def _thumbnail(image: Image.Image, orientation: int = 1) -> bytes:
    # draft() lets the JPEG decoder scale by 1/2..1/8 while decoding (to no less than the
    # size asked): the whole image is decoded, so a corrupt file is caught, at a fraction of
    # the cost, and turning it upright costs little at that size.
    image.draft("RGB", (THUMBNAIL_EDGE, THUMBNAIL_EDGE))
    small = _upright(image, orientation)
    # Pillow's bilinear filter is antialiased when shrinking: at thumbnail size it looks the
    # same as bicubic and costs half as much.
    small.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE), Image.Resampling.BILINEAR)
    return _jpeg(small, quality=80)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=False)  # no exif= given: none written
    return out.getvalue()


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The same JPEG without its metadata segments; the compressed pixels are copied as they
    are. Raises ValueError on a malformed file."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    out = [b"\xff\xd8"]
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            raise ValueError("bad JPEG marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            out.append(data[pos:])
            return b"".join(out)
        if 0xD0 <= marker <= 0xD9 or marker == 0x01:
            out.append(data[pos : pos + 2])
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise ValueError("truncated JPEG segment")
        if marker not in _DROP:
            out.append(data[pos : pos + 2 + length])
        pos += 2 + length
    raise ValueError("JPEG without image data")
