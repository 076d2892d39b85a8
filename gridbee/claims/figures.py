"""Figures for the dashboards (issue 16), over the case events of claims and mediations:
received, accepted, resolved, mediation success rate, on-time rate, average days to an answer,
satisfaction; in total, per claim type and per responsible body. A plain function: the
dashboards call it with the area and period they show."""

import datetime
from collections import defaultdict

from gridbee.cases.choices import CaseEventKind as K
from gridbee.cases.choices import CaseKind, Rating
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import CaseEvent

from .models import Claim, Mediation

SATISFIED = (Rating.SATISFIED, Rating.FAIRLY)


def _empty() -> dict:
    return {
        "received": 0, "accepted": 0, "resolved": 0, "mediations": 0, "agreed": 0,
        "not_agreed": 0, "steps_timed": 0, "steps_on_time": 0, "answer_days": [],
        "rated": 0, "satisfied": 0,
    }  # fmt: skip


def _finish(row: dict) -> dict:
    ended = row["agreed"] + row["not_agreed"]
    days = row.pop("answer_days")
    return {
        **{k: v for k, v in row.items() if k not in ("steps_timed", "steps_on_time")},
        "mediation_success_rate": round(row["agreed"] / ended, 4) if ended else None,
        "on_time_rate": (
            round(row["steps_on_time"] / row["steps_timed"], 4) if row["steps_timed"] else None
        ),
        "average_days": round(sum(days) / len(days), 2) if days else None,
        "satisfaction_rate": round(row["satisfied"] / row["rated"], 4) if row["rated"] else None,
    }


def figures(
    county_id: str | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> dict:
    """{"total": {...}, "by_type": {type: {...}}, "by_body": {body name: {...}}}; rates are
    fractions (None when nothing to divide), days are calendar days from receipt to answer."""
    events = CaseEvent.objects.filter(case__kind__in=(CaseKind.CLAIM, CaseKind.MEDIATION))
    if county_id:
        events = events.filter(case__county_id=county_id)
    if since:
        events = events.filter(at__gte=since)
    if until:
        events = events.filter(at__lt=until)
    claims = {
        c["case_id"]: c
        for c in Claim.objects.values(
            "case_id", "type", "case__department__name", "case__opened_at"
        )
    }
    claim_of_mediation = dict(Mediation.objects.values_list("case_id", "claim__case_id"))
    rows: dict = {"total": _empty(), "by_type": defaultdict(_empty), "by_body": defaultdict(_empty)}
    fields = ("case_id", "case__kind", "kind", "to_status", "on_time", "at", "reason")
    for e in events.values(*fields).order_by("at", "id"):
        mediation = e["case__kind"] == CaseKind.MEDIATION
        claim = claims.get(claim_of_mediation.get(e["case_id"]) if mediation else e["case_id"])
        if claim is None:
            continue
        targets = [rows["total"], rows["by_type"][claim["type"]]]
        if claim["case__department__name"]:
            targets.append(rows["by_body"][claim["case__department__name"]])
        for row in targets:
            _count(row, e, mediation, claim)
    return {
        "total": _finish(rows["total"]),
        "by_type": {k: _finish(v) for k, v in rows["by_type"].items()},
        "by_body": {k: _finish(v) for k, v in rows["by_body"].items()},
    }


def _count(row: dict, e: dict, mediation: bool, claim: dict) -> None:
    kind = e["kind"]
    if e["on_time"] is not None:
        row["steps_timed"] += 1
        row["steps_on_time"] += bool(e["on_time"])
    if kind == K.RATE:
        row["rated"] += 1
        row["satisfied"] += e["reason"] in SATISFIED
    if mediation:
        row["mediations"] += kind == K.OPENED
        row["agreed"] += e["to_status"] == S.AGREED and kind in (K.CONFIRM, K.COUNTERSIGN)
        row["not_agreed"] += kind in (K.NO_AGREEMENT, K.REFER)
        return
    row["received"] += kind == K.OPENED
    row["accepted"] += kind == K.ACCEPT
    if kind == K.HANDLE:
        row["resolved"] += 1
        row["answer_days"].append((e["at"] - claim["case__opened_at"]).total_seconds() / 86400)
