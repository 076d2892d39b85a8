"""Enrolment (个人自愿、行业推荐、县级审核): an application moves through one table of allowed
steps; approval creates the partner's account, profile, certificate and grid bindings."""

import datetime

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gridbee.core import machine
from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import CommonError, DomainError
from gridbee.core.machine import Refusals, Transition
from gridbee.geo.models import Grid, Region

from .. import throttle
from ..choices import ApplicationAction, ApplicationStatus, PartnerAction, Role
from ..errors import PeopleError
from ..models import (
    Application,
    ApplicationStep,
    Certificate,
    GridBinding,
    Partner,
    PartnerEvent,
    Station,
    User,
)
from ..queries import applications_for, get_visible
from ..validators import normalize_mobile, validate_id_number, validate_mobile

S = ApplicationStatus
MAX_GRIDS = 2
CERTIFICATE_DAYS = 2 * 365
OPEN = (S.SUBMITTED, S.RECOMMENDED)
# What else happens as a partner is enrolled, in the approval's transaction: apps above people
# add a function of the new Partner here (services places them in a team by the county's rule).
ENROLLED: list = []


REFUSALS = Refusals(
    invalid=PeopleError.INVALID_TRANSITION,
    note_required=PeopleError.REASON_REQUIRED,
    reason_required=PeopleError.REASON_REQUIRED,
)
RECOMMEND, REVIEW = Perm.APPLICATIONS_RECOMMEND, Perm.APPLICATIONS_REVIEW
TRANSITIONS = {
    ApplicationAction.RECOMMEND: Transition((S.SUBMITTED,), S.RECOMMENDED, RECOMMEND),
    ApplicationAction.DECLINE: Transition((S.SUBMITTED,), S.DECLINED, RECOMMEND, note=True),
    ApplicationAction.APPROVE: Transition((S.RECOMMENDED,), S.APPROVED, REVIEW),
    ApplicationAction.REJECT: Transition((S.RECOMMENDED,), S.REJECTED, REVIEW, note=True),
}


def submit_application(
    *,
    name: str,
    mobile: str,
    id_number: str,
    password: str = "",
    station_id: int,
    work_area: str,
    grid_codes: list[str],
    accepted_rules: bool,
    password_hash: str = "",
    address: str | None = None,
) -> Application:
    """A worker applies (个人自愿), bound to one or two grids near where they work (就近绑定).
    Anyone may; every problem is refused before anything is kept.
    A trusted bulk source (a station's roster, the demo) may pass password_hash instead of a
    password: hashing with argon2 costs a good part of a second each. The client's address
    limits how many applications one place can send (spam)."""
    if not throttle.application_allowed(address):
        raise DomainError(PeopleError.THROTTLED)
    mobile = normalize_mobile(mobile)
    id_number = (id_number or "").strip().upper()
    _check(validate_mobile, mobile, PeopleError.INVALID_MOBILE)
    _check(validate_id_number, id_number, PeopleError.INVALID_ID_NUMBER)
    if not accepted_rules:
        raise DomainError(PeopleError.RULES_NOT_ACCEPTED)
    if not password_hash:
        try:
            validate_password(password, User(mobile=mobile, name=name))
        except ValidationError as exc:
            raise DomainError(PeopleError.WEAK_PASSWORD, " ".join(exc.messages)) from None
        password_hash = make_password(password)
    station = Station.objects.select_related("company").filter(pk=station_id).first()
    if station is None:
        raise DomainError(PeopleError.UNKNOWN_STATION)
    if not any((code or "").strip() for code in grid_codes or ()):
        raise DomainError(PeopleError.NO_GRID)  # 就近绑定一到两个网格: one at least
    grids = grids_in(station.county_id, grid_codes)
    try:
        with transaction.atomic():
            if (
                User.objects.filter(mobile=mobile).exists()
                or Application.objects.filter(mobile=mobile, status__in=OPEN).exists()
            ):
                raise DomainError(PeopleError.DUPLICATE_APPLICATION)
            application = Application.objects.create(
                name=name.strip(),
                mobile=mobile,
                id_number=id_number,
                password=password_hash,
                industry_id=station.company.industry_id,
                station=station,
                county_id=station.county_id,
                work_area=work_area.strip(),
                accepted_rules=True,
            )
            application.grids.set(grids)
            ApplicationStep.objects.create(
                application=application, action=ApplicationAction.SUBMIT, actor_role="applicant"
            )
    except IntegrityError:  # the same mobile applying twice at the same moment
        raise DomainError(PeopleError.DUPLICATE_APPLICATION) from None
    return application


def act_on_application(application_id, action: str, *, actor, note: str = "") -> Application:
    """Recommend, decline, approve or reject: the one function that applies TRANSITIONS."""
    step = machine.transition(TRANSITIONS, action, REFUSALS)
    with transaction.atomic():
        application = get_visible(applications_for(actor).select_for_update(), application_id)
        if not has_perm(actor, step.who):
            raise DomainError(CommonError.FORBIDDEN)
        note = (note or "").strip()
        machine.check(step, application.status, REFUSALS, note=note)
        application.status = step.target
        if step.target in (S.APPROVED, S.REJECTED, S.DECLINED):
            application.decided_at = timezone.now()
        if action == ApplicationAction.APPROVE:
            application.partner = _enrol(application, actor)
        application.save()
        ApplicationStep.objects.create(
            application=application, action=action, actor=actor, actor_role=actor.role, note=note
        )
    return application


def _enrol(application: Application, actor) -> Partner:
    if User.objects.filter(mobile=application.mobile).exists():
        raise DomainError(PeopleError.DUPLICATE_APPLICATION)
    user = User(mobile=application.mobile, name=application.name, role=Role.PARTNER)
    user.password = application.password  # already hashed, chosen by the applicant
    user.save()
    partner = Partner.objects.create(
        user=user,
        name=application.name,
        id_number=application.id_number,
        industry_id=application.industry_id,
        station_id=application.station_id,
        county_id=application.county_id,
        work_area=application.work_area,
    )
    GridBinding.objects.bulk_create(
        GridBinding(partner=partner, grid=grid) for grid in application.grids.all()
    )
    issue_certificate(partner)
    PartnerEvent.objects.create(partner=partner, action=PartnerAction.ENROL, actor=actor)
    for hook in ENROLLED:
        hook(partner)
    return partner


def issue_certificate(partner: Partner) -> Certificate:
    """Numbered per county and year: 522731-2026-00001."""
    # Locking the county row makes concurrent approvals in one county take numbers in turn.
    Region.objects.select_for_update().filter(pk=partner.county_id).first()
    today = timezone.localdate()
    prefix = f"{partner.county_id[:6]}-{today.year}-"
    last = (
        Certificate.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return Certificate.objects.create(
        partner=partner,
        number=f"{prefix}{sequence:05d}",
        valid_until=today + datetime.timedelta(days=CERTIFICATE_DAYS),
    )


def grids_in(county_code: str, codes: list[str]) -> list[Grid]:
    """The grids with these codes in the county, at most MAX_GRIDS, or a clear refusal."""
    codes = list(dict.fromkeys(codes or []))
    if len(codes) > MAX_GRIDS:
        raise DomainError(PeopleError.TOO_MANY_GRIDS)
    grids = list(Grid.objects.filter(code__in=codes, code__startswith=county_code[:6]))
    if len(grids) != len(codes):
        raise DomainError(PeopleError.UNKNOWN_GRID)
    return grids


def _check(validator, value, error) -> None:
    try:
        validator(value)
    except ValidationError:
        raise DomainError(error) from None
