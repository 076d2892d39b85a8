"""An application's ID number is blanked once its decision is older than the retention period;
open applications, recent decisions and the partner's own record keep theirs."""

import datetime

from django.utils import timezone

from gridbee.people import actions
from gridbee.people.models import Application
from gridbee.people.tasks import purge_old_id_numbers

from . import county as fixture

DAYS = 180


def age(application: Application, days: int, field: str = "decided_at") -> None:
    when = timezone.now() - datetime.timedelta(days=days)
    Application.objects.filter(pk=application.pk).update(**{field: when})


def decided_applications(county):
    """The fixture's approved application, plus a declined and a rejected one."""
    approved = Application.objects.get(partner=county.partner)
    declined = actions.act_on_application(
        county.submitted.pk, "decline", actor=county.station_user, note="不在本站"
    )
    rejected = actions.act_on_application(
        county.recommended.pk, "reject", actor=county.reviewer, note="材料不全"
    )
    return approved, declined, rejected


def test_old_decisions_lose_the_id_number_and_keep_the_rest(county, settings):
    settings.ID_NUMBER_RETENTION_DAYS = DAYS
    approved, declined, rejected = decided_applications(county)
    age(approved, DAYS + 1)
    age(declined, DAYS + 30)
    age(rejected, DAYS - 1)  # decided, but not long enough ago
    reapplied = fixture.apply(1, county.station)  # open again after the decline
    age(reapplied, DAYS * 3, field="submitted_at")  # open: kept however old

    assert actions.purge_application_id_numbers() == 2

    approved.refresh_from_db()
    declined.refresh_from_db()
    assert approved.id_number == declined.id_number == ""
    assert approved.name == "王小明" and approved.status == "approved"
    assert declined.steps.count() == 2 and declined.status == "declined"
    assert Application.objects.get(pk=rejected.pk).id_number == fixture.ID_NUMBERS[2]
    assert Application.objects.get(pk=reapplied.pk).id_number == fixture.ID_NUMBERS[1]
    county.partner.refresh_from_db()
    assert county.partner.id_number == fixture.ID_NUMBERS[0]  # the partner's own, not purged


def test_the_daily_task_purges_and_a_second_run_finds_nothing(county, settings):
    settings.ID_NUMBER_RETENTION_DAYS = 30
    approved, declined, rejected = decided_applications(county)
    for application in (approved, declined, rejected):
        age(application, 31)

    assert purge_old_id_numbers.call_local() == 3
    assert purge_old_id_numbers.call_local() == 0
    assert set(Application.objects.values_list("id_number", flat=True)) == {""}
    # Declared to run once a day.
    days = [datetime.datetime(2026, 3, d, h, m) for d in (1, 2) for h in range(24) for m in (0, 45)]
    task = purge_old_id_numbers.task_class()
    assert sum(task.validate_datetime(d) for d in days) == 2


def test_a_purged_application_still_shows_to_the_reviewer(county, settings, client):
    settings.ID_NUMBER_RETENTION_DAYS = 1
    approved, _, _ = decided_applications(county)
    age(approved, 2)
    actions.purge_application_id_numbers()
    client.force_login(county.reviewer)
    page = client.get("/review/applications/?status=approved")
    assert page.status_code == 200 and "王小明" in page.content.decode()
