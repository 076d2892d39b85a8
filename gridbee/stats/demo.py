"""The demo county's year of history (a few thousand cases), so the dashboards show meaningful
figures from the first start. Written in bulk by the closed loop's own rules (history.py: the
same events, deadlines and on-time flags the workflow writes), then summed once: the real
actions would take minutes for as many cases, and would also award points and message
partners for a past nobody lived. So the history arrived, as a county's earlier system would
hand it over, through Open311 (a client named for it), each report with a photo of the demo's
own; a partner's figures come from the demo's real reports."""

import datetime

from django.utils import timezone

from gridbee.cases.models import Case, Category, Open311Client, Photo, Report
from gridbee.geo.models import Grid
from gridbee.people.models import Department

from . import aggregates, contributions, history, synthetic
from .defaults import ensure_indicators

CASES = 2000


def create_demo_history(county_code: str, cases: int = CASES) -> int:
    """A year of cases in the county's grids; returns how many were written."""
    ensure_indicators()
    grids = Grid.objects.filter(community__code__startswith=county_code[:6]).order_by("code")
    places = [history.Place(g.pk, g.community_id, g.centroid_lat, g.centroid_lon)
              for g in grids[:200]]  # fmt: skip
    departments = dict(Department.objects.filter(county_id=county_code).values_list("code", "pk"))
    if not places or not departments:
        return 0
    fallback = next(iter(departments.values()))
    kinds = [
        history.Kind(c.pk, c.handling_minutes, departments.get(c.department_code, fallback))
        for c in Category.objects.filter(active=True)
    ]
    now = timezone.now()
    start = now - datetime.timedelta(days=365)
    end = now - datetime.timedelta(days=1)
    plans = list(history.plans(county_code, places, kinds, n=cases, start=start, end=end,
                               now=now))  # fmt: skip
    ids = synthetic.write(plans)
    _reports(ids)
    aggregates.rebuild()
    return len(plans)


def _reports(case_ids: list[int]) -> None:
    """One Open311 report per history case (its first), with a photo the demo already has."""
    import hashlib

    client, _ = Open311Client.objects.get_or_create(
        name="历史数据导入", defaults={"key_digest": hashlib.sha256(b"history").hexdigest(),
                                 "active": False},
    )  # fmt: skip
    photo = Photo.objects.order_by("pk").first()
    cases = Case.objects.filter(pk__in=case_ids).values_list(
        "pk", "category_id", "lat", "lon", "grid_id", "region_id", "opened_at"
    )
    rows = [
        {"source": "open311", "partner_id": None, "client_id": client.pk, "sender": "history",
         "idempotency_key": f"history-{pk}", "request_fingerprint": "", "category_id": cat,
         "case_id": pk, "is_first": True, "emergency_flag": False, "lat": lat, "lon": lon,
         "declared_crs": "wgs84", "accuracy_m": None, "grid_id": grid, "region_id": region,
         "text": "", "phone_time": None, "received_at": opened, "answer": {}}
        for pk, cat, lat, lon, grid, region, opened in cases
    ]  # fmt: skip
    contributions.insert_rows(Report, rows)
    reports = dict(
        Report.objects.filter(sender="history", case_id__in=case_ids).values_list("case_id", "pk")
    )
    Case.objects.bulk_update(
        [Case(pk=case, first_report_id=report) for case, report in reports.items()],
        ["first_report"], batch_size=1000,
    )  # fmt: skip
    if photo is not None:
        copies = [
            {"report_id": report, "image": photo.image.name, "thumbnail": photo.thumbnail.name,
             "width": photo.width, "height": photo.height, "size": photo.size,
             "sha256": photo.sha256}
            for report in reports.values()
        ]  # fmt: skip
        contributions.insert_rows(Photo, copies)
