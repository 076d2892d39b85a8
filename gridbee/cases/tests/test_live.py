"""Live updates: publish/subscribe in this process and through Redis (when GRIDBEE_REDIS_URL
is set, as in CI), and the Server-Sent Events views streaming what is published."""

import asyncio
import json
import os
import threading
import time
import uuid

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient

from gridbee.cases import broadcast, workflow
from gridbee.cases.choices import CaseStatus
from gridbee.cases.tests.test_workflow import new_case
from gridbee.core import live
from gridbee.geo.tests import layers

REDIS_URL = os.environ.get("GRIDBEE_REDIS_URL", "")
BACKENDS = [
    pytest.param("", id="in-process"),
    pytest.param(
        REDIS_URL,
        id="redis",
        marks=pytest.mark.skipif(not REDIS_URL, reason="GRIDBEE_REDIS_URL is not set"),
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request, settings):
    settings.REDIS_URL = request.param
    settings.REDIS_PREFIX = f"live-test-{uuid.uuid4().hex}"  # counts of open streams apart
    return request.param


def run(fn):
    """async_to_sync(fn)(), also in a worker where a browser test ran before: Playwright's sync
    API leaves its (idle) event loop marked as running in this thread, which async_to_sync
    refuses; hide it for the call."""
    loop = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        return async_to_sync(fn)()
    finally:
        asyncio.events._set_running_loop(loop)


def topic() -> str:
    return f"test:{uuid.uuid4().hex}"


def test_two_subscribers_get_one_publish(backend):
    name = topic()

    async def go():
        async with live.subscribe(name) as one, live.subscribe(name) as two:
            live.publish(name, {"type": "case", "id": 7})
            return (await one.next(5)).data, (await two.next(5)).data

    first, second = run(go)
    assert json.loads(first) == {"type": "case", "id": 7}
    assert json.loads(second) == {"type": "case", "id": 7}


def test_other_topics_are_not_received(backend):
    mine, other = topic(), topic()

    async def go():
        async with live.subscribe(mine) as subscription:
            live.publish(other, {"id": 1})
            return await subscription.next(0.3)

    assert run(go) is None


def test_publish_from_another_thread(backend):
    """Sync code (a request's on-commit hook) publishes from its own thread."""
    name = topic()

    async def go():
        async with live.subscribe(name) as subscription:
            thread = threading.Thread(target=live.publish, args=(name, {"id": 3}))
            thread.start()
            got = await subscription.next(5)
            thread.join()
            return got.data

    assert json.loads(run(go)) == {"id": 3}


def test_subscription_is_removed_when_it_ends(settings):
    settings.REDIS_URL = ""
    name = topic()

    async def go():
        async with live.subscribe(name):
            assert live._local_log.watchers(name) == 1

    run(go)
    assert live._local_log.watchers(name) == 0
    live.publish(name, {"id": 1})  # nobody listens: nothing happens, nothing fails


def test_event_stream_sends_retry_events_and_heartbeats(settings, monkeypatch):
    settings.REDIS_URL = ""
    monkeypatch.setattr(live, "HEARTBEAT_SECONDS", 0.05)
    name = topic()

    async def go():
        stream = live.event_stream([name])
        try:
            first = await stream.__anext__()
            heartbeat = await stream.__anext__()
            live.publish(name, {"id": 9, "kind": "accept"})
            chunk = await stream.__anext__()
            while chunk.startswith(":"):
                chunk = await stream.__anext__()
            return first, heartbeat, chunk
        finally:
            await stream.aclose()
        # the subscription closed with the stream

    first, heartbeat, chunk = run(go)
    assert first.startswith(f"retry: {live.RETRY_MS}\n")
    assert heartbeat == ": heartbeat\n\n"
    assert chunk.startswith("id: ") and chunk.endswith('\ndata: {"id": 9, "kind": "accept"}\n\n')
    assert live._local_log.watchers(name) == 0


async def _read_until(response, needle: str, timeout: float = 5.0) -> str:
    """Read the streaming body until needle appears, or fail after timeout seconds."""
    text = ""
    chunks = response.streaming_content.__aiter__()

    async def read():
        nonlocal text
        while needle not in text:
            chunk = await chunks.__anext__()
            text += chunk.decode() if isinstance(chunk, bytes) else chunk

    await asyncio.wait_for(read(), timeout)
    return text


def _stream(user, url: str, publish=None, needle="data: ", headers=None):
    """Open the SSE view as user, publish once subscribed, and read until needle (after the
    ready event; with headers, needle may come with it)."""
    client = AsyncClient()
    if user is not None:
        client.force_login(user)

    async def go():
        response = await client.get(url, headers=headers)
        if not response.streaming:
            return response, ""
        try:
            text = await _read_until(response, ": subscribed")
            if headers:
                text += await _read_until(response, needle) if needle not in text else ""
            elif publish is not None:
                await sync_to_async(publish)()
                text += await _read_until(response, needle)
        finally:
            # The stream itself, as the server closes it when the browser goes away
            # (streaming_content wraps it anew on each access).
            await response._iterator.aclose()
        return response, text

    return run(go)


def test_case_stream_gets_a_step_published_after_connecting(county, backend):
    case = new_case(county)
    response, text = _stream(
        county.operator,
        f"/live/case/{case.pk}/",
        publish=lambda: live.publish(f"case:{case.pk}", {"type": "case", "id": case.pk}),
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"].startswith("no-cache")
    assert f'data: {{"type": "case", "id": {case.pk}}}' in text


def test_case_stream_for_its_reporter_and_not_for_others(county, settings):
    settings.REDIS_URL = ""
    case = new_case(county)
    response, _ = _stream(county.partner_user, f"/live/case/{case.pk}/")
    assert response.status_code == 200
    for stranger in (county.far_reviewer, county.station_user, None):
        response, _ = _stream(stranger, f"/live/case/{case.pk}/")
        assert response.status_code == 404


def test_queue_stream_hears_a_workflow_step_in_its_county(county, settings):
    """The hook the workflow calls (broadcast.case_changed) reaches the county's queue on commit."""
    settings.REDIS_URL = ""
    case = new_case(county)

    def accept():
        from django.db import transaction

        with transaction.atomic():
            case.refresh_from_db()
            broadcast.case_changed(case, "accept")

    # pytest-django wraps the test in a transaction: on_commit would never run, so run it now.
    from django.test import TestCase

    def publish():
        with TestCase.captureOnCommitCallbacks(execute=True):
            accept()

    response, text = _stream(county.operator, "/live/queue/", publish=publish)
    assert response.status_code == 200
    assert f'"id": {case.pk}' in text and '"kind": "accept"' in text


def test_queue_stream_refuses_those_without_case_access(county):
    assert _stream(county.partner_user, "/live/queue/")[0].status_code == 403
    assert _stream(None, "/live/queue/")[0].status_code == 401


def test_mine_stream_hears_the_reporters_own_case(county, settings):
    settings.REDIS_URL = ""
    case = new_case(county)
    from django.test import TestCase

    def step():
        with TestCase.captureOnCommitCallbacks(execute=True):
            workflow.act(case.pk, "accept", actor=county.operator)  # its hook publishes

    response, text = _stream(county.partner_user, "/live/mine/", publish=step)
    assert response.status_code == 200
    assert f'"id": {case.pk}' in text and '"status": "accepted"' in text


def test_queue_topics_follow_the_users_scope(county):
    from gridbee.cases.views.streams import queue_topics

    assert queue_topics(county.operator) == [f"county:{layers.COUNTY}"]
    assert queue_topics(county.department_user) == [f"department:{county.department.pk}"]
    assert queue_topics(county.partner_user) == []


# -- who hears which case -------------------------------------------------------------------


def _case_in_grid_3(county):
    """A case in 涟江第1网格 (community 2 of the same town and county as new_case's)."""
    from gridbee.cases.models import Case
    from gridbee.reports.actions import Sender, submit_report
    from gridbee.reports.tests import images

    answer, _ = submit_report(
        Sender.of_partner(county.partner),
        idempotency_key="grid-3",
        category_code="exposed_garbage",
        lat=layers.Y0 + 0.005,
        lon=layers.X0 + 0.025,
        photos=[images.jpeg(320, 240)],
    )
    return Case.objects.get(pk=answer["case"]["id"])


def _changed(*cases, kind="accept"):
    """Publish a step of each case in turn, the way the closed loop does (on commit)."""
    from django.test import TestCase

    def publish():
        with TestCase.captureOnCommitCallbacks(execute=True):
            for case in cases:
                broadcast.case_changed(case, kind)

    return publish


def _events(text: str) -> list[tuple[str, str, str]]:
    """The (event type, id, data) of each event in an SSE text."""
    events = []
    for block in text.split("\n\n"):
        fields = {"event": "message", "id": "", "data": ""}
        for line in block.splitlines():
            name, _, value = line.partition(": ")
            if name in fields:
                fields[name] = value
        if fields["data"]:
            events.append((fields["event"], fields["id"], fields["data"]))
    return events


def _ids(text: str) -> list[int]:
    """The case ids of the messages (not of the ready event) in an SSE text."""
    return [json.loads(data)["id"] for kind, _, data in _events(text) if kind == "message"]


@pytest.fixture
def grid_operator(county):
    """An operator answering for 凤山第1网格 only (a set of grids, no region)."""
    from gridbee.geo.models import Grid
    from gridbee.people.choices import Role
    from gridbee.people.tests.county import GRID_1, staff

    user = staff("13900000024", Role.OPERATOR, "甲网格")
    user.grids.set([Grid.objects.get(code=GRID_1)])
    return user


def test_an_operator_bound_to_a_grid_hears_only_its_grids_cases(county, backend, grid_operator):
    from gridbee.people.tests.county import GRID_1, GRID_3

    mine, other = new_case(county), _case_in_grid_3(county)
    assert (mine.grid.code, other.grid.code) == (GRID_1, GRID_3)
    assert mine.county_id == other.county_id
    # The other grid's step goes out first: had it reached the stream, it would be read
    # before the step of the operator's own grid.
    response, text = _stream(
        grid_operator, "/live/queue/", _changed(other, mine), needle=f'"id": {mine.pk},'
    )
    assert response.status_code == 200
    assert _ids(text) == [mine.pk]


def test_county_wide_staff_hear_every_case_of_the_county(county, backend):
    mine, other = new_case(county), _case_in_grid_3(county)
    for user in (county.operator, county.reviewer):
        _, text = _stream(user, "/live/queue/", _changed(other, mine), needle=f'"id": {mine.pk},')
        assert _ids(text) == [other.pk, mine.pk]


def test_staff_of_another_county_hear_nothing_of_this_one(county, settings, monkeypatch):
    settings.REDIS_URL = ""
    monkeypatch.setattr(live, "HEARTBEAT_SECONDS", 0.3)
    case = new_case(county)
    response, text = _stream(
        county.far_reviewer, "/live/queue/", _changed(case), needle=": heartbeat"
    )
    assert response.status_code == 200
    assert _ids(text) == []


def test_a_department_hears_the_cases_sent_to_it_and_the_one_it_hands_back(county, backend):
    from django.test import TestCase

    from gridbee.cases.tests.test_workflow import bring

    sent, kept = bring(county, CaseStatus.DISPATCHED), _case_in_grid_3(county)

    _, text = _stream(
        county.department_user, "/live/queue/", _changed(kept, sent), needle=f'"id": {sent.pk},'
    )
    assert _ids(text) == [sent.pk]  # not the case still with the operators

    def hand_back():
        with TestCase.captureOnCommitCallbacks(execute=True):
            workflow.act(sent.pk, "return", actor=county.department_user, note="不属于本部门")

    _, text = _stream(county.department_user, "/live/queue/", hand_back, needle='"return"')
    assert _ids(text) == [sent.pk]


def test_queue_topics_of_each_scope(county, grid_operator):
    from gridbee.cases.views.streams import queue_topics
    from gridbee.people.choices import Role
    from gridbee.people.tests.county import staff

    town = staff("13900000025", Role.OPERATOR, "街道网格", region_id=layers.TOWN)
    community = staff("13900000026", Role.OPERATOR, "社区网格", region_id=layers.COMMUNITY_2)
    grid = grid_operator.grids.get()
    assert queue_topics(grid_operator) == [f"grid:{grid.pk}"]
    assert queue_topics(town) == ["area:522731001"]
    assert queue_topics(community) == ["area:522731001002"]
    assert queue_topics(county.reviewer) == [f"county:{layers.COUNTY}"]
    assert f"county:{layers.COUNTY}" in queue_topics(county.admin)


def test_a_case_is_published_to_the_topics_of_its_scopes(county):
    case = _case_in_grid_3(county)
    assert broadcast.case_topics(case) == [
        f"case:{case.pk}",
        f"county:{layers.COUNTY}",
        "area:522731001",
        "area:522731001002",
        f"grid:{case.grid_id}",
    ]


def test_places_a_dead_process_left_taken_lapse(backend, monkeypatch):
    """A process that died with streams open never gives their places back: they lapse
    unless renewed (an open stream renews its own well within SLOT_SECONDS)."""
    from gridbee.core import live_slots

    monkeypatch.setattr(live_slots, "SLOT_SECONDS", 0.5)
    counts, user_id = live._counts(), f"user-{uuid.uuid4().hex}"
    assert live_slots.Slot.take(counts, user_id, limit=2) is not None
    renewed = live_slots.Slot.take(counts, user_id, limit=2)
    assert renewed is not None
    assert live_slots.Slot.take(counts, user_id, limit=2) is None  # both places taken

    time.sleep(0.3)
    run(renewed.renew_if_due)  # one stream still open renews its place
    time.sleep(0.3)
    assert live_slots.Slot.take(counts, user_id, limit=2) is not None  # the dead one's lapsed
    assert live_slots.Slot.take(counts, user_id, limit=2) is None  # the live one's did not
