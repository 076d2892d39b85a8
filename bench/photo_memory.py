#!/usr/bin/env python3
"""Photo memory benchmark: the peak memory and time of processing the worst photos intake still
accepts, each in a fresh process, through gridbee.core.media.process_photo().

    .venv/bin/python bench/photo_memory.py [--threads 4] [--fresh]

Peak memory is the growth of the process's resident set (VmHWM, reset through
/proc/self/clear_refs just before), so Pillow's and libjpeg's own allocations count, which
tracemalloc cannot see. The photos are made once under bench/.cache/photo_memory/ (--fresh
makes them again). The last line printed is one JSON object with the figures."""

import argparse
import gc
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache" / "photo_memory"
sys.path.insert(0, str(ROOT))

# name: (width, height, format, mode, EXIF orientation, progressive). The largest of each kind
# that intake accepts (12 MB at most, 60 MP for an upright JPEG, a whole decode above 24 MP
# only for JPEGs, at a reduced scale).
PHOTOS = {
    "upright_jpeg_60mp": (9480, 6320, "JPEG", "RGB", 1, False),
    "upright_progressive_jpeg_60mp": (9480, 6320, "JPEG", "RGB", 1, True),
    "rotated_jpeg_24mp": (6000, 4000, "JPEG", "RGB", 6, False),
    "rotated_jpeg_60mp": (9480, 6320, "JPEG", "RGB", 6, False),
    "png_rgba_24mp": (6000, 4000, "PNG", "RGBA", 1, False),
    "webp_12mp": (4242, 2828, "WEBP", "RGB", 1, False),
}


def picture(width: int, height: int, mode: str):
    """A gradient with stripes: compresses like a plain photo, under 12 MB at 60 MP."""
    from PIL import Image

    ramp = Image.linear_gradient("L").resize((width, height))
    bands = [ramp, ramp.transpose(Image.Transpose.ROTATE_180), ramp.point(lambda v: v // 2)]
    if mode == "RGBA":
        bands.append(ramp.point(lambda v: 255 - v // 4))
    image = Image.merge(mode, bands)
    for x in range(0, width, 96):
        image.paste((x % 255, 80, 160, 255)[: len(mode)], (x, 0, x + 12, height))
    return image


def make(name: str) -> Path:
    from PIL import Image

    width, height, fmt, mode, orientation, progressive = PHOTOS[name]
    path = CACHE / f"{name}.{fmt.lower()}"
    if path.exists():
        return path
    image = picture(width, height, mode)
    options = {}
    if fmt == "JPEG":
        exif = Image.Exif()
        exif[0x0112] = orientation
        options = {"quality": 85, "exif": exif, "progressive": progressive}
    elif fmt == "WEBP":
        options = {"quality": 80, "method": 0}
    image.save(path, fmt, **options)
    image.close()
    return path


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def child(path: str, threads: int) -> None:
    """Runs in a fresh process: process the photo (in `threads` threads at once) and print what
    it cost as JSON."""
    os.environ["GRIDBEE_DATA_DIR"] = str(CACHE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridbee.settings")
    import django

    django.setup()
    from django.conf import settings

    from gridbee.core.media import process_photo
    from gridbee.reports.tests import images

    process_photo(images.jpeg(64, 48, orientation=6))  # code and codecs loaded, as in a server
    data = Path(path).read_bytes()
    gc.collect()
    base_kb = status_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    results, errors = [], []

    def run():
        try:
            results.append(process_photo(data))
        except Exception as exc:
            errors.append(repr(exc))

    started = time.perf_counter()
    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    peak_kb = status_kb("VmHWM")
    print(
        json.dumps(
            {
                "peak_mb": round((peak_kb - base_kb) / 1024, 1),
                "ms": round(elapsed * 1000),
                "stored": [results[0].width, results[0].height] if results else None,
                "errors": errors,
                "photo_decodes": settings.PHOTO_DECODES,
            }
        )
    )


def measure(path: Path, threads: int = 1) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--threads", str(threads)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4, help="photos at once in the last run")
    parser.add_argument("--fresh", action="store_true", help="make the photos again")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.threads)
        return

    from _shared import loadavg

    started, load_start = time.perf_counter(), loadavg()
    CACHE.mkdir(parents=True, exist_ok=True)
    if args.fresh:
        for old in CACHE.glob("*_*mp.*"):
            old.unlink()
    figures: dict = {}
    for name, (width, height, fmt, *_rest) in PHOTOS.items():
        path = make(name)
        size_mb = path.stat().st_size / 2**20
        result = measure(path)
        if result["errors"]:
            raise SystemExit(f"{name}: refused: {result['errors']}")
        print(
            f"{name}: {width}×{height} {fmt}, {size_mb:.1f} MB → stored "
            f"{result['stored'][0]}×{result['stored'][1]}; peak +{result['peak_mb']:.0f} MB, "
            f"{result['ms']} ms",
            flush=True,
        )
        figures[f"{name}_peak_mb"] = result["peak_mb"]
        figures[f"{name}_ms"] = result["ms"]
        figures["photo_decodes"] = result["photo_decodes"]
    worst = max(PHOTOS, key=lambda n: figures[f"{n}_peak_mb"])
    figures["worst"] = worst
    figures["worst_peak_mb"] = figures[f"{worst}_peak_mb"]
    # The same photo sent by several requests at once: PHOTO_DECODES of them are processed
    # together, the others wait their turn, so the peak stays near PHOTO_DECODES × one.
    together = measure(CACHE / f"{worst}.{PHOTOS[worst][2].lower()}", args.threads)
    print(
        f"{args.threads} × {worst} at once, {together['photo_decodes']} at a time: peak "
        f"+{together['peak_mb']:.0f} MB, {together['ms']} ms",
        flush=True,
    )
    figures |= {
        "threads": args.threads,
        "together_peak_mb": together["peak_mb"],
        "together_ms": together["ms"],
        "load_average_start": load_start,
        "load_average_end": loadavg(),
        "run_s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
