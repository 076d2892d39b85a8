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


# What phones put around and inside a JPEG besides its pixels ------------------------------


def _segment(marker: int, body: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(body) + 2) + body


def exif_gps_segment(make="SecondCamera") -> bytes:
    """An APP1 EXIF segment with a GPS position, as a phone writes it."""
    exif = Image.Exif()
    exif[0x010F] = make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (26.0, 6.0, 0.0), 3: "E", 4: (106.0, 36.0, 0.0)})
    return _segment(0xE1, exif.tobytes())


def _after_first_scan(data: bytes) -> int:
    """Where the marker after the first scan's entropy-coded data starts."""
    pos = 2
    while data[pos + 1] != 0xDA:  # walk the segments before the first scan
        pos += 2 + struct.unpack(">H", data[pos + 2 : pos + 4])[0]
    pos += 2 + struct.unpack(">H", data[pos + 2 : pos + 4])[0]
    while not (data[pos] == 0xFF and data[pos + 1] not in (0x00, *range(0xD0, 0xD8))):
        pos += 1
    return pos


def progressive_with_gps_between_scans(width=640, height=480) -> bytes:
    """A progressive JPEG (no EXIF in its header, so it counts as upright) with an APP1 EXIF
    segment carrying GPS between its first and second scan, where the standard allows one."""
    image = Image.open(io.BytesIO(jpeg(width, height, gps=False)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, progressive=True)
    data = out.getvalue()
    cut = _after_first_scan(data)
    return data[:cut] + exif_gps_segment() + data[cut:]


def motion_photo(width=640, height=480) -> bytes:
    """A phone's motion photo: the JPEG, then a second JPEG with EXIF and GPS of its own (an
    MPF or Ultra HDR gain map), then the video as an MP4 ("ftyp" box first)."""
    second = Image.new("RGB", (width // 4, height // 4), (20, 200, 20))
    out = io.BytesIO()
    second.save(out, "JPEG", quality=80)
    second_jpeg = out.getvalue()
    second_jpeg = second_jpeg[:2] + exif_gps_segment() + second_jpeg[2:]
    video = struct.pack(">I", 24) + b"ftypmp42" + b"\x00\x00\x00\x00mp42isom" + b"\x00" * 4096
    return jpeg(width, height) + second_jpeg + video


def ultra_hdr_like(width=640, height=480) -> bytes:
    """A primary JPEG whose XMP announces an Ultra HDR gain map (Pillow then reads it as a
    plain JPEG, not an MPO), followed by the gain map JPEG with EXIF and GPS of its own."""
    primary = jpeg(width, height)
    xmp = b'http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:Description hdrgm:Version="1.0"/>'
    primary = primary[:2] + _segment(0xE1, xmp + b"</x:xmpmeta>") + primary[2:]
    gain_map = Image.new("L", (width // 4, height // 4), 128)
    out = io.BytesIO()
    gain_map.save(out, "JPEG", quality=80)
    return primary + out.getvalue()[:2] + exif_gps_segment() + out.getvalue()[2:]


def mpo(width=640, height=480) -> bytes:
    """A real MPF file (Pillow writes one): two JPEGs, both with EXIF and GPS."""
    first = Image.open(io.BytesIO(jpeg(width, height)))
    second = Image.open(io.BytesIO(jpeg(width // 2, height // 2, colour=(20, 200, 20))))
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second], exif=first.getexif())
    return out.getvalue()
