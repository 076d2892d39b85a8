"""Every write to activities: operators publish and cancel them; partners sign up, cancel and
wait on a list that moves up by itself; attendance is checked in and out on the spot and
credited as volunteer hours (志愿时长) with the points for attending."""

import datetime
import math
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridbee.core.errors import CommonError, DomainError
from gridbee.people.models import Certificate
from gridbee.people.queries import partner_of
from gridbee.rewards import ledger
from gridbee.rewards.actions import earning
from gridbee.rewards.choices import EntryKind

from . import codes, recurrence
from .actions_inbox import notify
from .choices import ActivityKind, CheckMethod, Recurrence, SignupStatus
from .errors import ServicesError
from .models import Activity, Signup
from .nearest import distance_m
from .queries import activities_for, activities_to_manage, get_visible, own_county

CREDIT_SHARE = 0.6  # 云南志愿服务: hours count when attendance covers 60% of the activity
EARLY_CHECK_IN = datetime.timedelta(minutes=30)
LATE_CHECK_OUT = datetime.timedelta(hours=2)
MAX_ACCURACY_M = 150.0  # worse than this a phone does not know where it is (indoors)


def publish(data: dict, *, actor) -> list[Activity]:
    """Publish an activity in the actor's county; a recurring one as all its occurrences.
    Returns them, the first first."""
    county = own_county(actor, data.get("county"))
    values = _clean(data)
    first = values["starts_at"]
    with transaction.atomic():
        made: list[Activity] = []
        for start in recurrence.starts(first, values["recurrence"]):
            shift = start - timezone.localtime(first)
            activity = Activity(county_id=county, organiser=actor, **values)
            for field in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at"):
                setattr(activity, field, getattr(activity, field) + shift)
            activity.series = made[0] if made else None
            activity.save()
            made.append(activity)
    return made


def _clean(data: dict) -> dict:
    fields: dict[str, str] = {}
    title = str(data.get("title") or "").strip()
    if not title or len(title) > 100:
        fields["title"] = _("A title of at most 100 characters is needed.")
    kind = data.get("kind") or ActivityKind.OTHER
    if kind not in ActivityKind.values:
        fields["kind"] = _("Choose a kind from the list.")
    rec = data.get("recurrence") or ""
    if rec not in Recurrence.values:
        fields["recurrence"] = _("Choose how it repeats from the list.")
    numbers = {}
    for name, low, high in (("lat", -90, 90), ("lon", -180, 180), ("radius_m", 10, 5000),
                            ("capacity", 1, 10000)):  # fmt: skip
        try:
            raw = data.get(name)
            value = float(200 if name == "radius_m" and raw in (None, "") else raw)
            if not (math.isfinite(value) and low <= value <= high):
                raise ValueError
            numbers[name] = value
        except (TypeError, ValueError):
            fields[name] = _("A number from %(a)s to %(b)s is needed.") % {"a": low, "b": high}
    points = data.get("points")
    if points not in (None, ""):
        try:
            points = int(points)
            if not 0 <= points <= 1000:
                raise ValueError
        except (TypeError, ValueError):
            fields["points"] = _("Points from 0 to 1000, or empty for the county's rule.")
    else:
        points = None
    times = {}
    for name in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at"):
        value = data.get(name)
        if isinstance(value, str):
            try:
                value = datetime.datetime.fromisoformat(value)
            except ValueError:
                value = None
        if name == "signup_opens_at" and value is None:
            value = timezone.now()
        if name == "signup_closes_at" and value is None:
            value = times.get("starts_at")
        if not isinstance(value, datetime.datetime):
            fields[name] = _("A date and time is needed.")
            continue
        times[name] = value if timezone.is_aware(value) else timezone.make_aware(value)
    if fields:
        raise DomainError(CommonError.INVALID_INPUT, fields=fields)
    if not (
        times["starts_at"] < times["ends_at"]
        and times["signup_opens_at"] < times["signup_closes_at"] <= times["ends_at"]
        and times["ends_at"] - times["starts_at"] <= datetime.timedelta(days=2)
    ):
        raise DomainError(ServicesError.BAD_TIMES)
    return {
        "title": title,
        "kind": kind,
        "description": str(data.get("description") or "").strip()[:1000],
        "place": str(data.get("place") or "").strip()[:200],
        "lat": numbers["lat"],
        "lon": numbers["lon"],
        "radius_m": int(numbers["radius_m"]),
        "capacity": int(numbers["capacity"]),
        "points": points,
        "recurrence": rec,
        **times,
    }


def cancel_activity(activity_id, *, actor) -> Activity:
    with transaction.atomic():
        activity = get_visible(activities_to_manage(actor).select_for_update(), activity_id)
        if activity.cancelled:
            return activity
        activity.cancelled = True
        activity.save(update_fields=["cancelled"])
        for signup in activity.signups.exclude(status=SignupStatus.CANCELLED).select_related(
            "partner__user"
        ):
            notify(signup.partner.user, "activity_cancelled",
                   _("%(title)s on %(day)s was cancelled.") % _names(activity),
                   f"/activities/{activity.pk}/")  # fmt: skip
    return activity


def _names(activity) -> dict:
    return {"title": activity.title, "day": f"{timezone.localtime(activity.starts_at):%m-%d %H:%M}"}


# --- sign-up and the waiting list --------------------------------------------------------------


def _partner(actor):
    partner = partner_of(actor)
    if partner is None:
        raise DomainError(ServicesError.NOT_A_PARTNER)
    if not partner.can_act:
        raise DomainError(ServicesError.PARTNER_INACTIVE)
    return partner


def _locked(actor, activity_id) -> Activity:
    """The activity, locked: every change to its list is serialised on this row, so two
    sign-ups for the last place cannot both get it."""
    activity = get_visible(activities_for(actor), activity_id)
    return Activity.objects.select_for_update().get(pk=activity.pk)


def sign_up(activity_id, *, actor) -> Signup:
    """A place if one is free, else the end of the waiting list. Signing up again is a no-op
    (the same signup); after a cancellation it starts afresh at the end."""
    partner = _partner(actor)
    with transaction.atomic():
        activity = _locked(actor, activity_id)
        now = timezone.now()
        existing = Signup.objects.filter(activity=activity, partner=partner).first()
        if existing is not None and existing.status != SignupStatus.CANCELLED:
            return existing
        if not activity.signup_opens_at <= now < activity.signup_closes_at:
            raise DomainError(ServicesError.SIGNUP_CLOSED)
        taken = activity.signups.filter(status=SignupStatus.CONFIRMED).count()
        status = SignupStatus.CONFIRMED if taken < activity.capacity else SignupStatus.WAITING
        signup = existing or Signup(activity=activity, partner=partner)
        signup.status, signup.signed_up_at, signup.cancelled_at = status, now, None
        signup.save()
    return signup


def cancel_signup(activity_id, *, actor) -> Signup:
    """Give up a place (or a turn on the list); the first on the waiting list moves up."""
    partner = _partner(actor)
    with transaction.atomic():
        activity = _locked(actor, activity_id)
        signup = Signup.objects.filter(activity=activity, partner=partner).first()
        if signup is None or signup.status == SignupStatus.CANCELLED:
            raise DomainError(ServicesError.NOT_SIGNED_UP)
        if signup.checked_in_at is not None:
            raise DomainError(ServicesError.ALREADY_CHECKED_IN)
        had_place = signup.status == SignupStatus.CONFIRMED
        signup.status, signup.cancelled_at = SignupStatus.CANCELLED, timezone.now()
        signup.save(update_fields=["status", "cancelled_at"])
        if had_place:
            _move_up(activity)
    return signup


def _move_up(activity: Activity) -> None:
    free = activity.capacity - activity.signups.filter(status=SignupStatus.CONFIRMED).count()
    if free <= 0 or activity.starts_at <= timezone.now():
        return
    waiting = activity.signups.filter(status=SignupStatus.WAITING).select_related("partner__user")
    for signup in waiting.order_by("signed_up_at", "id")[:free]:
        signup.status = SignupStatus.CONFIRMED
        signup.save(update_fields=["status"])
        notify(signup.partner.user, "activity_place",
               _("A place came free: you are now signed up for %(title)s on %(day)s.")
               % _names(activity), f"/activities/{activity.pk}/")  # fmt: skip


# --- check-in and check-out on the spot --------------------------------------------------------


def verify_code(activity: Activity, code: str, lat, lon, accuracy_m, *, now=None) -> float:
    """The rotating code and the position; returns the distance from the venue in metres. The
    phone's accuracy counts in the partner's favour up to MAX_ACCURACY_M; beyond it the phone
    does not know where it is and the organiser's scan of the certificate is the way in."""
    if not codes.is_valid(activity, code, None if now is None else now.timestamp()):
        raise DomainError(ServicesError.CODE_INVALID)
    try:
        lat, lon = float(lat), float(lon)
        accuracy = float(accuracy_m or 0)
        if not all(math.isfinite(v) for v in (lat, lon, accuracy)) or accuracy < 0:
            raise ValueError
    except (TypeError, ValueError):
        raise DomainError(CommonError.INVALID_INPUT) from None
    if accuracy > MAX_ACCURACY_M:
        raise DomainError(ServicesError.POSITION_TOO_VAGUE)
    away = distance_m(activity.lat, activity.lon, lat, lon)
    if away - accuracy > activity.radius_m:
        raise DomainError(ServicesError.TOO_FAR, distance_m=round(away))
    return away


def _on_time(activity: Activity, now, checking_in: bool) -> None:
    if checking_in and not activity.starts_at - EARLY_CHECK_IN <= now <= activity.ends_at:
        raise DomainError(ServicesError.NOT_NOW)
    if not checking_in and not activity.starts_at <= now <= activity.ends_at + LATE_CHECK_OUT:
        raise DomainError(ServicesError.NOT_NOW)


IN, OUT, AUTO = "in", "out", "auto"
RESCAN_GAP = datetime.timedelta(minutes=5)  # an organiser's second scan this soon is a repeat


def check_by_code(activity_id, *, actor, code: str, lat, lon, accuracy_m=None,
                  direction: str = IN) -> Signup:  # fmt: skip
    """The partner scanned the venue's code to check in or out. Repeating a step (a double
    tap, a retry) answers with the same attendance and changes nothing."""
    partner = _partner(actor)
    activity = get_visible(activities_for(actor), activity_id)
    if direction not in (IN, OUT):
        raise DomainError(CommonError.INVALID_INPUT)
    verify_code(activity, code, lat, lon, accuracy_m)
    return _check(activity, partner, CheckMethod.CODE, direction)


def check_by_certificate(activity_id, token: str, *, actor) -> Signup:
    """The organiser scanned the partner's certificate QR (its URL or token): the first scan
    checks in, a later one (after RESCAN_GAP) checks out."""
    activity = get_visible(activities_to_manage(actor), activity_id)
    token = str(token or "").strip().rstrip("/").rsplit("/", 1)[-1]
    certificate = Certificate.objects.filter(token=token).select_related("partner").first()
    if certificate is None or certificate.partner.county_id != activity.county_id:
        raise DomainError(ServicesError.NOT_FOUND)
    if not certificate.partner.can_act:
        raise DomainError(ServicesError.PARTNER_INACTIVE)
    return _check(activity, certificate.partner, CheckMethod.ORGANISER, AUTO)


def _check(activity: Activity, partner, method: str, direction: str, now=None) -> Signup:
    now = now or timezone.now()
    with transaction.atomic():
        signup = (
            Signup.objects.select_for_update()
            .filter(activity=activity, partner=partner, status=SignupStatus.CONFIRMED)
            .first()
        )
        if signup is None:
            raise DomainError(ServicesError.NOT_SIGNED_UP)
        if direction == AUTO:
            recent = signup.checked_in_at and now - signup.checked_in_at < RESCAN_GAP
            direction = IN if signup.checked_in_at is None or recent else OUT
        if direction == IN:
            if signup.checked_in_at is None:
                _on_time(activity, now, checking_in=True)
                signup.checked_in_at, signup.check_in_method = now, method
                signup.save(update_fields=["checked_in_at", "check_in_method"])
            return signup
        if signup.checked_in_at is None:
            raise DomainError(ServicesError.NOT_CHECKED_IN)
        if signup.checked_out_at is not None:
            return signup
        _on_time(activity, now, checking_in=False)
        signup.checked_out_at = now
        signup.credited_minutes = credited_minutes(activity, signup.checked_in_at, now)
        signup.save(update_fields=["checked_out_at", "credited_minutes"])
        if signup.credited_minutes:
            award_points(activity, partner)
    return signup


def credited_minutes(activity: Activity, checked_in, checked_out) -> int:
    """Attendance overlapping the activity, in whole minutes, when it covers at least 60% of
    the activity's length; else nothing."""
    overlap = (
        min(checked_out, activity.ends_at) - max(checked_in, activity.starts_at)
    ).total_seconds()
    length = (activity.ends_at - activity.starts_at).total_seconds()
    if overlap <= 0 or overlap < CREDIT_SHARE * length:
        return 0
    return math.floor(overlap / 60)


def award_points(activity: Activity, partner) -> None:
    """Once per activity and partner: the ledger's key is the same either way."""
    if activity.points is None:
        earning.activity_check_in(partner, str(activity.pk))
    else:
        ledger.award(partner, EntryKind.ACTIVITY, key=f"activity:{activity.pk}:{partner.pk}",
                     amount=activity.points)  # fmt: skip


def current_code(activity_id, *, actor) -> dict:
    activity = get_visible(activities_to_manage(actor), activity_id)
    now = time.time()
    return {"code": codes.code_for(activity, now), "seconds_left": codes.seconds_left(now)}
