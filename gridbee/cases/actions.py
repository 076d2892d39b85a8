"""Writes to cases at intake time: a report opens a case or joins one (首报 / 非首报), and
operators correct the grouping (merge, split) and the triage (平急分流). The closed loop's
workflow builds on these."""

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from gridbee.cases.models import Report
from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import CommonError, DomainError
from gridbee.geo.choices import Level
from gridbee.geo.index import Location

from . import broadcast, deadlines, dedup, effects, kinds
from .choices import OPEN_STATUSES, CaseEventKind, CaseStatus, Urgency
from .errors import CaseError
from .models import Case, CaseEvent
from .queries import visible_case


def file_report(
    *, category, lat: float, lon: float, location: Location, emergency: bool, now
) -> tuple[Case, bool]:
    """The open case this report joins, or a new one; and whether it is the first report.
    Call inside the intake transaction."""
    county = next(r.code for r in location.regions if r.level == Level.COUNTY)
    _serialize_intake(category.pk, county)
    case_id = dedup.matching_case_id(category, lat, lon, now)
    if case_id is not None:
        changes = {"report_count": F("report_count") + 1, "last_report_at": now}
        Case.objects.filter(pk=case_id).update(**changes)
        case = Case.objects.select_for_update().get(pk=case_id)
        record(case, CaseEventKind.JOINED)
        if emergency and case.urgency != Urgency.EMERGENCY:
            _make_emergency(case, actor=None, note="reporter flagged an emergency", now=now)
        broadcast.case_changed(case, CaseEventKind.JOINED)
        return case, False
    urgent = emergency or category.urgency == Urgency.EMERGENCY
    case = Case.objects.create(
        category=category,
        urgency=Urgency.EMERGENCY if urgent else Urgency.ORDINARY,
        grid_id=location.grid.id if location.grid else None,
        region_id=location.region.code,
        county_id=county,
        lat=lat,
        lon=lon,
        h3_cell=dedup.cell_of(lat, lon),
        report_count=1,
        opened_at=now,
        last_report_at=now,
        step_deadline_at=deadlines.due(
            Urgency.EMERGENCY if urgent else Urgency.ORDINARY,
            now,
            deadlines.step_minutes(Urgency.EMERGENCY if urgent else Urgency.ORDINARY, "accept"),
        ),
    )
    record(case, CaseEventKind.OPENED)
    broadcast.case_changed(case, CaseEventKind.OPENED)
    return case, True


def record(case: Case, kind: str, *, actor=None, note: str = "", reason: str = "",
           **step) -> CaseEvent:  # fmt: skip
    """Write a step on the case's timeline (who, in which role, when, why; `step`: from and to
    which status, whether on time). What follows it is pending until effects.after applies it."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        actor_role=actor.role if actor else "",
        note=note.strip()[:500],
        reason=reason,
        effects_pending=effects.has_effects(case, kind),
        **step,
    )


def _serialize_intake(category_id: int, county: str) -> None:
    """Two reports of one problem arriving together must not open two cases. SQLite already
    runs one write transaction at a time; PostgreSQL takes a lock per category and county."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [category_id, int(county[:6])])


def mark_emergency(case_id, *, actor, note: str = "") -> Case:
    """An operator raises a case to emergency (平急分流)."""
    with transaction.atomic():
        case = _lock(visible_case(actor, case_id))
        _require(actor, Perm.CASES_TRIAGE)
        if case.status not in OPEN_STATUSES:
            raise DomainError(CaseError.NOT_OPEN)
        if case.urgency != Urgency.EMERGENCY:
            _make_emergency(case, actor=actor, note=note, now=timezone.now())
            broadcast.case_changed(case, CaseEventKind.MARKED_EMERGENCY)
    return case


def _make_emergency(case: Case, *, actor, note: str, now) -> None:
    """Raised to emergency, the case moves to the rapid clock at once (联勤快反 1-3-5): the
    step it waits for is due in minutes from now, not when its ordinary deadline would be."""
    case.urgency = Urgency.EMERGENCY
    minutes = kinds.clock(case, case.status)
    if minutes is not None:
        case.step_deadline_at = deadlines.due(case.urgency, now, minutes)
        case.step_escalated = False
    case.save(update_fields=["urgency", "step_deadline_at", "step_escalated"])
    record(case, CaseEventKind.MARKED_EMERGENCY, actor=actor, note=note)


def merge_cases(target_id, source_ids: list[int], *, actor, note: str = "") -> Case:
    """Fold duplicate cases into one: their reports move, they are marked merged."""
    with transaction.atomic():
        target = _lock(visible_case(actor, target_id))
        _require(actor, Perm.CASES_TRIAGE)
        sources = [_lock(visible_case(actor, pk)) for pk in dict.fromkeys(source_ids)]
        if (
            not sources
            or any(
                s.pk == target.pk
                or s.category_id != target.category_id
                or s.county_id != target.county_id
                or s.status not in OPEN_STATUSES
                for s in sources
            )
            or target.status not in OPEN_STATUSES
        ):
            raise DomainError(CaseError.MERGE_MISMATCH)
        moved = Report.objects.filter(case__in=sources)
        moved.update(case=target, is_first=False)
        now = timezone.now()
        for source in sources:
            source.status, source.merged_into, source.closed_at = CaseStatus.MERGED, target, now
            source.report_count = 0
            source.save(update_fields=["status", "merged_into", "closed_at", "report_count"])
            record(source, CaseEventKind.MERGED, actor=actor, note=f"→ #{target.pk} {note}")
        _recount(target)
        merged = ", ".join(f"#{s.pk}" for s in sources)
        record(target, CaseEventKind.MERGED, actor=actor, note=f"← {merged} {note}")
    return target


def split_case(case_id, report_ids: list[int], *, actor, note: str = "") -> Case:
    """Take some reports out of a case into a new one (they were a different problem)."""
    with transaction.atomic():
        case = _lock(visible_case(actor, case_id))
        _require(actor, Perm.CASES_TRIAGE)
        if case.status not in OPEN_STATUSES:
            raise DomainError(CaseError.NOT_OPEN)
        taken = list(Report.objects.filter(case=case, pk__in=report_ids).order_by("received_at"))
        if not taken or len(taken) != len(set(report_ids)) or len(taken) >= case.report_count:
            raise DomainError(CaseError.SPLIT_INVALID)
        first = taken[0]
        new = Case.objects.create(
            category=case.category,
            urgency=case.urgency,
            grid_id=first.grid_id,
            region_id=first.region_id,
            county_id=case.county_id,
            lat=first.lat,
            lon=first.lon,
            h3_cell=dedup.cell_of(first.lat, first.lon),
            first_report=first,
            report_count=len(taken),
            opened_at=first.received_at,
            last_report_at=taken[-1].received_at,
        )
        Report.objects.filter(pk__in=[r.pk for r in taken]).update(case=new, is_first=False)
        Report.objects.filter(pk=first.pk).update(is_first=True)
        _recount(case)
        for c, text in ((case, f"→ #{new.pk}"), (new, f"← #{case.pk}")):
            record(c, CaseEventKind.SPLIT, actor=actor, note=f"{text} {note}")
    return new


def _recount(case: Case) -> None:
    reports = Report.objects.filter(case=case).order_by("received_at", "id")
    first = reports.first()
    case.report_count = reports.count()
    case.first_report = first
    case.last_report_at = reports.last().received_at if first else case.last_report_at
    case.save(update_fields=["report_count", "first_report", "last_report_at"])
    if first is not None:
        reports.exclude(pk=first.pk).update(is_first=False)
        reports.filter(pk=first.pk).update(is_first=True)


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _require(actor, perm: Perm) -> None:
    if not has_perm(actor, perm):
        raise DomainError(CommonError.FORBIDDEN)
