"""The claims pages: a partner raises and follows their claims (and confirms an agreement,
rates the follow-up); the county's desk, the bodies, mediators and the platform company's
account work their queue and take the steps their roles may. Plain forms with CSRF; the raise
form carries its own idempotency key, so a double tap raises one claim."""

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gridbee.cases import kinds as engine
from gridbee.cases.choices import CaseEventKind as K
from gridbee.cases.choices import CaseKind, CaseStatus, Rating
from gridbee.cases.kinds import REPORTER
from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import DomainError
from gridbee.core.media import read_upload
from gridbee.core.pages import refusal, show_refusal
from gridbee.people.models import User
from gridbee.people.queries import partner_of

from . import actions, kinds, presenters, queries
from .choices import BodyType, ClaimRefusal, ClaimType, MediationRefusal, Performance

STAFF_PERMS = (Perm.CLAIMS_RECORD, Perm.CLAIMS_ANSWER, Perm.MEDIATIONS_MANAGE,
               Perm.MEDIATIONS_RESPOND)  # fmt: skip


def _is_staff(user) -> bool:
    return any(has_perm(user, p) for p in STAFF_PERMS)


@never_cache
@login_required
def home(request):
    """My claims (a partner), the queue (staff)."""
    own = queries.own_cases(request.user).order_by("-opened_at", "-id")[:100]
    mine = [presenters.claim_out(c, request.user, events=False) for c in own]
    staff = _is_staff(request.user)
    if not mine and not staff and partner_of(request.user) is None:
        return refusal(request)
    kind = (
        request.GET.get("kind")
        if request.GET.get("kind") in (CaseKind.CLAIM, CaseKind.MEDIATION)
        else CaseKind.CLAIM
    )
    queue = []
    if staff:
        queue = [presenters.claim_out(c, request.user, events=False)
                 for c in queries.claims_queue(request.user, kind=kind)[:200]]  # fmt: skip
    desk = has_perm(request.user, Perm.CLAIMS_RECORD)
    return render(request, "claims/home.html", {
        "mine": mine, "queue": queue, "staff": staff, "kind": kind, "desk": desk,
        "key": uuid.uuid4().hex, "claim_types": ClaimType.choices,
        "today": timezone.localdate().isoformat(),
        "is_partner": partner_of(request.user) is not None,
        "statuses": dict(CaseStatus.choices), "types": dict(ClaimType.choices),
    })  # fmt: skip


@never_cache
@login_required
def new(request):
    """Raise a claim: type, what happened, amount, employer or platform, date known, photos."""
    partner = partner_of(request.user)
    if partner is None:
        return refusal(request)
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            known = datetime.date.fromisoformat(form.get("known_on", ""))
            ended = form.get("job_ended_on") or None
            claim, _created = actions.raise_claim(
                request.user,
                type=form.get("type", ""),
                facts=form.get("facts", "")[:2000],
                respondent_code=form.get("respondent_code", "")[:30],
                respondent_name=form.get("respondent_name", "")[:100],
                amount=form.get("amount", "")[:20],
                known_on=known,
                job_ended_on=datetime.date.fromisoformat(ended) if ended else None,
                photos=[read_upload(f) for f in request.FILES.getlist("photos")[:3]],
                idempotency_key=form.get("key", ""),
            )
        except ValueError:
            messages.error(request, _("Some fields are missing or invalid."))
        except DomainError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Your claim was received with serial number %(serial)s.")
                             % {"serial": claim.serial})  # fmt: skip
            return redirect("claims-detail", claim.case_id)
    return render(request, "claims/new.html", {
        "form": form, "key": form.get("key") or uuid.uuid4().hex, "types": ClaimType.choices,
        "respondents": queries.bodies(partner.county_id, BodyType.PLATFORM),
        "today": timezone.localdate().isoformat(),
    })  # fmt: skip


def _available(case, user, mine: bool) -> list[str]:
    """The steps of the case's kind this viewer may take now."""
    steps = engine.of(case).steps
    found = []
    for action, step in steps.items():
        if case.status not in step.sources:
            continue
        if step.who == REPORTER:
            if mine:
                found.append(action)
        elif not mine and has_perm(user, step.who):
            found.append(action)
    return found


REASONS = {
    (CaseKind.CLAIM, K.REJECT): ClaimRefusal.choices,
    (CaseKind.MEDIATION, K.REJECT): MediationRefusal.choices,
    (CaseKind.CLAIM, K.RATE): Rating.choices,
    (CaseKind.MEDIATION, K.RATE): Rating.choices,
    (CaseKind.MEDIATION, K.PERFORM): Performance.choices,
}


@never_cache
@login_required
def detail(request, case_id: int):
    try:
        case, mine = queries.case_for(request.user, case_id)
    except DomainError as error:
        return refusal(request, error, title=_("Claim"))
    out = presenters.claim_out(case, request.user)
    claim = queries.claim_of(case)
    mediation = queries.mediation_of(case)
    actions_here = [
        {"name": a, "label": K(a).label, "reasons": REASONS.get((case.kind, a), ())}
        for a in _available(case, request.user, mine)
    ]
    context = {
        "case": case, "c": out, "mine": mine, "actions": actions_here, "claim": claim,
        "statuses": dict(CaseStatus.choices), "types": dict(ClaimType.choices),
        "claim_types": ClaimType.choices,
        "bodies": [b for b in queries.bodies(case.county_id) if b.type != BodyType.LEGAL_AID],
        "legal_aid": queries.bodies(case.county_id, BodyType.LEGAL_AID),
        "parties": claim.parties.select_related("user") if not mine else [],
        "photos": case.events.filter(kind=K.OPENED).first().photos.all()
        if case.kind == CaseKind.CLAIM else [],
        "referred": mediation is not None and queries.referred(mediation),
        "mediation_link": mediation.case_id if mediation and case.kind == CaseKind.CLAIM else None,
        "claim_link": claim.case_id if case.kind == CaseKind.MEDIATION else None,
    }  # fmt: skip
    if case.kind == CaseKind.MEDIATION:
        mediators = User.objects.filter(role="mediator", department_id=case.department_id,
                                        is_active=True)  # fmt: skip
        context["mediators"] = [(u, kinds.conflicted(u, claim)) for u in mediators]
    return render(request, "claims/detail.html", context)


@require_POST
@login_required
def step(request, case_id: int, action: str):
    form = request.POST
    extra = {
        "type": form.get("type", ""),
        "mediator": form.get("mediator", ""),
        "representatives": form.getlist("representatives"),
        "days": int(form["days"]) if form.get("days", "").isdigit() else None,
        "claimant_consents": form.get("claimant_consents") == "on",
        "respondent_consents": form.get("respondent_consents") == "on",
    }
    try:
        actions.act(request.user, case_id, action, note=form.get("note", "")[:4000],
                    reason=form.get("reason", "")[:30],
                    department_code=form.get("department_code", "")[:30], extra=extra)  # fmt: skip
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": K(action).label})
    try:
        queries.case_for(request.user, case_id)
    except DomainError:
        return redirect("claims-home")
    return redirect(reverse("claims-detail", args=[case_id]))


@require_POST
@login_required
def oral(request):
    """The desk records a claim partners told them (口头申请, 当场记录): their mobiles, one or
    many (a group dispute)."""
    if not has_perm(request.user, Perm.CLAIMS_RECORD):
        return refusal(request)
    form = request.POST
    mobiles = [m for m in form.get("mobiles", "").replace(",", " ").split() if m][:500]
    claimants = list(
        User.objects.filter(mobile__in=mobiles, partner__isnull=False).values_list("pk", flat=True)
    )
    try:
        claim, _created = actions.raise_claim(
            request.user,
            type=form.get("type", ""),
            facts=form.get("facts", "")[:2000],
            respondent_name=form.get("respondent_name", "")[:100],
            amount=form.get("amount", "")[:20],
            known_on=datetime.date.fromisoformat(form.get("known_on", "")),
            idempotency_key=form.get("key", ""),
            claimants=claimants if len(claimants) == len(set(mobiles)) else [0],
        )
    except ValueError:
        messages.error(request, _("Some fields are missing or invalid."))
    except DomainError as error:
        show_refusal(request, error)
    else:
        return redirect("claims-detail", claim.case_id)
    return redirect("claims-home")
