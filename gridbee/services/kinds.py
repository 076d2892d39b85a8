"""The case kind `station_report`: a partner's "this station is wrong or closed", filed to the
county's queue like any case. The operator accepts it (the record will be put right) or
rejects it, and closes it once the station's record is corrected."""

from django.db.models import QuerySet
from django.utils.translation import gettext_noop as N_

from gridbee.cases import deadlines, kinds
from gridbee.cases.choices import CaseEventKind as K
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.choices import RejectReason
from gridbee.core.authz import Perm
from gridbee.people.models import User

STATION_REPORT = "station_report"
FIX_MINUTES = 3 * 8 * 60  # three working days to put a station's record right


def _minutes(case, phase: str) -> int:
    if phase == "accept":
        return deadlines.step_minutes(case.urgency, phase)
    return FIX_MINUTES


def _reporters(case) -> QuerySet:
    return User.objects.filter(station_reports__case=case)


KIND = kinds.register(
    kinds.Kind(
        name=STATION_REPORT,
        steps={
            K.ACCEPT: kinds.Step((S.REPORTED,), S.ACCEPTED, Perm.CASES_TRIAGE),
            K.REJECT: kinds.Step(
                (S.REPORTED,), S.REJECTED, Perm.CASES_TRIAGE, reasons=tuple(RejectReason.values)
            ),
            # The record was corrected (or the station closed): the case is done.
            K.VERIFY_PASS: kinds.Step((S.ACCEPTED,), S.CLOSED, Perm.CASES_TRIAGE),
        },
        minutes=_minutes,
        reporters=_reporters,
        told={
            K.ACCEPT: N_("Your note about a station was accepted as case #{id}."),
            K.REJECT: N_("Your note about a station (case #{id}) was not accepted: {reason}."),
            K.VERIFY_PASS: N_("Case #{id}: the station's record was corrected. Thank you."),
        },
        located=True,
    )
)
