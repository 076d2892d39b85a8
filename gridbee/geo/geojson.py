"""Writing GeoJSON FeatureCollections as streams: a province-sized layer is never one string."""

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any


def write_feature_collection(stream: IO[str], features: Iterable[dict[str, Any]]) -> int:
    """Writes one feature per line; returns how many."""
    stream.write('{"type":"FeatureCollection","features":[')
    count = 0
    for feature in features:
        stream.write(",\n" if count else "\n")
        stream.write(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
        count += 1
    stream.write("\n]}\n")
    return count


def write_geojson(path: str | os.PathLike[str], features: Iterable[dict[str, Any]]) -> int:
    """Like write_feature_collection, to a file that appears complete or not at all."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            count = write_feature_collection(handle, features)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return count
