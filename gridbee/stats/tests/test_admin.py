"""The measures, indicators and county settings open in the admin; the worker's rows only show."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["stats/measure/", "stats/indicator/", "stats/countysettings/", "stats/casemeasure/",
     "stats/dailystat/", "stats/indicator/1/change/"],
)  # fmt: skip
def test_every_stats_list_opens_in_the_admin(admin_client, county, path):
    assert admin_client.get(f"/admin/{path}").status_code == 200


def test_the_worker_rows_cannot_be_added_here(admin_client, county):
    assert admin_client.get("/admin/stats/dailystat/add/").status_code == 403
