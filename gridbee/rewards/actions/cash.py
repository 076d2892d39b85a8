"""Cash rewards (奖补), every write: an operator proposes a grade once the case passed
verification (逐级核实审批后), within the county's rule of which reports cash is for; the county
reviewer approves or refuses, and approved rewards are marked paid in batches with a payment
reference; a case reopened or sent back for rework takes its unpaid rewards back to review.
Each step records who and when on the reward itself, in one transaction; the reporter hears of
an approval, its withdrawal and a payment (a message in the app, and the notify channels once
the transaction has committed)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from gridbee.cases.choices import CaseEventKind
from gridbee.cases.errors import CaseError
from gridbee.cases.models import Message, Report
from gridbee.cases.queries import visible_case
from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import CommonError, DomainError
from gridbee.core.notify import notify
from gridbee.core.schemas import MAX_ID

from .. import cash_queries
from ..choices import CashRewardStatus as S
from ..errors import RewardsError
from ..ledger import rules_for
from ..models import CashReward
from ..money import yuan_label

REASON_MAX = 300
REFERENCE_MAX = 100
BATCH_MAX = 500
TOLD = {
    "cash_approved": N_(
        "Your report on case #{case} earned a cash reward of {amount} (grade {grade})."
    ),
    "cash_paid": N_("Your cash reward of {amount} for case #{case} was paid (reference {ref})."),
    "cash_back_to_review": N_(
        "Your cash reward of {amount} for case #{case} is back under review: the case was "
        "opened again. It is decided once the case is verified."
    ),
}


def _require(actor, perm: Perm) -> None:
    if not has_perm(actor, perm):
        raise DomainError(CommonError.FORBIDDEN)


def propose(report_id, grade, reason: str, *, actor) -> CashReward:
    """Propose a grade for one report of a closed (verified) case in the actor's area, if the
    county's rule covers it (cash_queries.for_cash: by default the first report of an
    emergency). One reward per report: a second proposal answers ALREADY_PROPOSED, also when
    two arrive at once."""
    _require(actor, Perm.CASH_PROPOSE)
    report = Report.objects.select_related("partner", "case").filter(pk=_int(report_id)).first()
    if report is None:
        raise DomainError(RewardsError.NOT_FOUND)
    try:
        case = visible_case(actor, report.case_id)
    except DomainError as error:
        if error.error is CaseError.NOT_FOUND:
            raise DomainError(RewardsError.NOT_FOUND) from None
        raise
    grade = _int(grade)
    if grade not in cash_queries.GRADES:
        raise DomainError(RewardsError.INVALID_GRADE)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(RewardsError.NOTE_REQUIRED)
    if CashReward.objects.filter(report=report).exists():
        raise DomainError(RewardsError.ALREADY_PROPOSED)
    if case.status not in cash_queries.PROPOSABLE_STATUSES:
        raise DomainError(RewardsError.CASE_NOT_VERIFIED)
    if not cash_queries.for_cash(report, case):
        raise DomainError(RewardsError.NOT_FOR_CASH)
    if report.partner is None or not report.partner.can_act:
        raise DomainError(RewardsError.REPORTER_NOT_ACTIVE)
    try:
        with transaction.atomic():
            return CashReward.objects.create(
                report=report,
                case=case,
                partner=report.partner,
                county_id=case.county_id,
                grade=grade,
                # Frozen at proposal: a later change of the county's grades leaves it as it is.
                amount_fen=cash_queries.grade_amounts(case.county_id)[grade],
                reason=reason[:REASON_MAX],
                proposed_by=actor,
            )
    except IntegrityError:  # the same report proposed by someone else a moment ago
        raise DomainError(RewardsError.ALREADY_PROPOSED) from None


def decide(reward_id, approve: bool, note: str = "", *, actor) -> CashReward:
    """The county reviewer approves or refuses a proposal; refusing needs a note, approving a
    case that passed verification (one reopened since waits for the next)."""
    _require(actor, Perm.CASH_DECIDE)
    visible = cash_queries.visible_reward(actor, reward_id)
    note = (note or "").strip()
    with transaction.atomic():
        reward = CashReward.objects.select_for_update().get(pk=visible.pk)
        if reward.status != S.PROPOSED:
            raise DomainError(RewardsError.ALREADY_DECIDED)
        if not approve and not note:
            raise DomainError(RewardsError.NOTE_REQUIRED)
        if approve and reward.case.status not in cash_queries.PROPOSABLE_STATUSES:
            raise DomainError(RewardsError.CASE_NOT_VERIFIED)
        reward.status = S.APPROVED if approve else S.REFUSED
        reward.decided_by = actor
        reward.decided_at = timezone.now()
        reward.decision_note = note[:REASON_MAX]
        reward.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if approve:
            _tell(reward, "cash_approved")
    return reward


def mark_paid(reward_ids, reference: str, *, actor) -> list[CashReward]:
    """Mark a batch of approved rewards paid with one payment reference: all of them or none
    (one not found → NOT_FOUND, one not approved → NOT_APPROVED, one the actor approved
    themselves where the county separates the two → SAME_APPROVER, and nothing changes)."""
    _require(actor, Perm.CASH_PAY)
    reference = (reference or "").strip()
    if not reference:
        raise DomainError(RewardsError.REFERENCE_REQUIRED)
    if len(reference) > REFERENCE_MAX:
        raise DomainError(RewardsError.REFERENCE_REQUIRED)
    ids = sorted({_int(pk) for pk in reward_ids or ()} - {None})
    if not ids or len(ids) > BATCH_MAX:
        raise DomainError(RewardsError.NOTHING_SELECTED)
    if not all(1 <= pk <= MAX_ID for pk in ids):  # no such row; too large even to look up
        raise DomainError(RewardsError.NOT_FOUND)
    visible = set(cash_queries.rewards_for(actor).filter(pk__in=ids).values_list("pk", flat=True))
    if len(visible) != len(ids):
        raise DomainError(RewardsError.NOT_FOUND)
    now = timezone.now()
    with transaction.atomic():
        rewards = list(CashReward.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        unpaid = [r.pk for r in rewards if r.status != S.APPROVED]
        if unpaid:
            raise DomainError(RewardsError.NOT_APPROVED, reward_ids=unpaid)
        _refuse_held(rewards)
        _require_second_person(rewards, actor)
        for reward in rewards:
            reward.status = S.PAID
            reward.paid_reference = reference
            reward.paid_at = now
            reward.paid_by = actor
            reward.save(update_fields=["status", "paid_reference", "paid_at", "paid_by"])
            _tell(reward, "cash_paid")
    return rewards


def _refuse_held(rewards: list[CashReward]) -> None:
    """Rewards held back (cash_queries.hold_of: partner suspended or revoked, case open
    again) are not paid: the whole batch is refused, naming them and why."""
    current = CashReward.objects.filter(pk__in=[r.pk for r in rewards]).select_related(
        "partner", "case"
    )
    held = [(r.pk, cash_queries.hold_of(r)) for r in current.order_by("pk")]
    held = [{"reward_id": pk, "held": hold.value} for pk, hold in held if hold is not None]
    if held:
        raise DomainError(RewardsError.HELD, held=held)


def case_reopened(case, action: str) -> list[CashReward]:
    """逐级核实审批: the case of these rewards was reopened (复开) or sent back for rework (返工),
    applied after that step (cases.effects). Its unpaid rewards go back to review: an approval is
    withdrawn (the partner, who was told of it, is told), and decide approves again only once
    the case passed verification again. A note on each says when, why and whose approval was
    withdrawn. Paid and refused rewards stay as they are. Returns the rewards changed."""
    now = timezone.now()
    why = _("reopened") if action == CaseEventKind.REOPEN else _("sent back for rework")
    changed = []
    waiting = CashReward.objects.select_for_update().filter(
        case=case, status__in=(S.PROPOSED, S.APPROVED)
    )
    for reward in waiting.order_by("pk"):
        note = _("Case #%(case)s %(why)s on %(when)s.") % {
            "case": case.pk,
            "why": why,
            "when": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
        }
        if reward.status == S.APPROVED:
            note += " " + _("Approval by %(who)s on %(when)s withdrawn.") % {
                "who": reward.decided_by.name if reward.decided_by else "",
                "when": timezone.localtime(reward.decided_at).strftime("%Y-%m-%d %H:%M"),
            }
            reward.status, reward.decided_by, reward.decided_at = S.PROPOSED, None, None
            reward.decision_note = ""
            _tell(reward, "cash_back_to_review")
        reward.returned_at, reward.return_note = now, note[:REASON_MAX]
        reward.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "returned_at",
                           "return_note"]
        )  # fmt: skip
        changed.append(reward)
    return changed


def left_to_another(rewards, actor) -> list[int]:
    """双人复核: the rewards this actor may not mark paid because they approved them
    themselves, where the county's rules separate the two (the default)."""
    separate = {
        county_id: rules_for(county_id).separate_cash_approval_and_payment
        for county_id in {r.county_id for r in rewards}
    }
    return [r.pk for r in rewards if r.decided_by_id == actor.pk and separate[r.county_id]]


def _require_second_person(rewards: list[CashReward], actor) -> None:
    """Names every reward of the batch the actor approved, so they know which to leave to a
    colleague."""
    own = left_to_another(rewards, actor)
    if own:
        message = _(
            "You approved %(rewards)s yourself: another person must mark them paid. "
            "Nothing was marked paid."
        ) % {"rewards": ", ".join(f"#{pk}" for pk in own)}
        raise DomainError(RewardsError.SAME_APPROVER, message, reward_ids=own)


def _tell(reward: CashReward, kind: str) -> None:
    """A message in the app now (inside the transaction); the notify channels after commit."""
    text = _(TOLD[kind]).format(
        case=reward.case_id,
        amount=yuan_label(reward.amount_fen),
        grade=reward.grade,
        ref=reward.paid_reference,
    )[:500]
    user = reward.partner.user
    Message.objects.create(recipient=user, case_id=reward.case_id, kind=kind, text=text)
    transaction.on_commit(lambda: notify(user.mobile, text))


def _int(value) -> int | None:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
