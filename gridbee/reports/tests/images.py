"""Photos for tests, made on the spot: phone-like JPEGs with EXIF (GPS included), and files
that only pretend to be images."""

import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg(width=2048, height=1536, orientation=1, gps=True, colour=(200, 120, 40)) -> bytes:
    """About 3 megapixels by default, as a cheap phone takes them."""
    image = Image.new("RGB", (width, height), colour)
    for x in range(0, width, 64):  # some detail, so it compresses like a photo
        image.paste((x % 255, 80, 160), (x, 0, x + 8, height))
    exif = image.getexif()
    exif[0x010F] = "GridBeePhone"  # make
    exif[ORIENTATION] = orientation
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (26.0, 6.0, 0.0), 3: "E", 4: (106.0, 36.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def png_header_only(width=20_000, height=20_000) -> bytes:
    """A tiny PNG that declares 400 megapixels: a decompression bomb's calling card."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )
