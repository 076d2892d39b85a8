"""Stations in and out as CSV (one row a station, UTF-8 with or without BOM, as spreadsheets
save it) and GeoJSON (a FeatureCollection of Points, WGS-84): the same fields both ways, so an
export imports back unchanged."""

import csv
import io
import json

from django.core.exceptions import SuspiciousOperation

from gridbee.core.errors import DomainError

from .errors import ServicesError
from .hours import KEYS

COLUMNS = ("code", "name", "kind", "services", *(f"hours_{k}" for k in KEYS), "open_24h",
           "address", "contact", "lat", "lon", "last_checked", "station_id")  # fmt: skip
MAX_ROWS = 20_000


def read(content: bytes, filename: str = "") -> list[dict]:
    """Rows as clean() takes them; BAD_FILE when the file is neither format."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(ServicesError.BAD_FILE) from None
    stripped = text.lstrip()
    if filename.lower().endswith((".geojson", ".json")) or stripped.startswith("{"):
        return _from_geojson(stripped)
    return _from_csv(text)


def _from_csv(text: str) -> list[dict]:
    try:
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "name" not in reader.fieldnames:
            raise DomainError(ServicesError.BAD_FILE)
        rows = []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise DomainError(ServicesError.BAD_FILE)
            rows.append(_hours_from_columns({k: v for k, v in row.items() if k}))
        return rows
    except csv.Error:
        raise DomainError(ServicesError.BAD_FILE) from None


def _hours_from_columns(row: dict) -> dict:
    hours = {}
    for key in KEYS:
        value = row.pop(f"hours_{key}", None)
        if value is not None and (value.strip() or key != "holiday"):
            hours[key] = value.strip()
    row["hours"] = hours
    return row


def _from_geojson(text: str) -> list[dict]:
    try:
        data = json.loads(text)
    except (ValueError, SuspiciousOperation):
        raise DomainError(ServicesError.BAD_FILE) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or len(features) > MAX_ROWS:
        raise DomainError(ServicesError.BAD_FILE)
    rows = []
    for feature in features:
        feature = feature if isinstance(feature, dict) else {}
        props = dict(feature.get("properties") or {})
        geometry = feature.get("geometry") or {}
        coords = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        if isinstance(coords, list) and len(coords) >= 2:
            props["lon"], props["lat"] = coords[0], coords[1]
        else:
            props["lon"] = props["lat"] = None
        rows.append(props)
    return rows


def _record(point) -> dict:
    return {
        "code": point.code,
        "name": point.name,
        "kind": point.kind,
        "services": list(point.services),
        "hours": dict(point.hours),
        "open_24h": point.open_24h,
        "address": point.address,
        "contact": point.contact,
        "last_checked": point.last_checked.isoformat() if point.last_checked else "",
        "station_id": point.station_id or "",
    }


def to_csv(points) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for point in points:
        r = _record(point)
        writer.writerow(
            [r["code"], r["name"], r["kind"], "|".join(r["services"]),
             *(r["hours"].get(k, "") for k in KEYS), "true" if r["open_24h"] else "false",
             r["address"], r["contact"], point.lat, point.lon, r["last_checked"],
             r["station_id"]]
        )  # fmt: skip
    return out.getvalue()


def to_geojson(points) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]},
                "properties": _record(point),
            }
            for point in points
        ],
    }
