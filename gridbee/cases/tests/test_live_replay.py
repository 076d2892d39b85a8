"""Catching up by Last-Event-ID: a stream reopened with the id of the last event it got starts
with exactly the events it missed, in order and each once, then goes on live; when history no
longer reaches back that far it gets a reset event. In this process and through a real Redis
(GRIDBEE_REDIS_URL, as in CI)."""

import json
import os
import subprocess
import sys
import threading
import uuid

import pytest

from gridbee.cases.tests import test_live
from gridbee.cases.tests.test_live import _events, _stream, run
from gridbee.cases.tests.test_workflow import new_case
from gridbee.core import live

backend = test_live.backend  # the same fixture: in this process, and through Redis


def topic() -> str:
    return f"test:{uuid.uuid4().hex}"


async def _take(subscription, n: int, timeout: float = 5.0) -> list:
    events = []
    while len(events) < n:
        event = await subscription.next(timeout)
        assert event is not None, f"only {len(events)} of {n} events came"
        events.append(event)
    return events


def _numbers(events) -> list:
    return [json.loads(e.data)["n"] for e in events]


def test_a_reconnected_stream_gets_exactly_the_missed_events_in_order(backend):
    a, b, other = topic(), topic(), topic()

    async def go():
        async with live.subscribe(a, b) as subscription:
            live.publish(a, {"n": 1})
            (first,) = await _take(subscription, 1)
        # Gone: what happens meanwhile must come back on reconnecting.
        live.publish(a, {"n": 2})
        live.publish(b, {"n": 3})
        live.publish(other, {"n": 99})
        live.publish_many([a, b], {"n": 4})  # one event on both topics: once
        live.publish(a, {"n": 5})
        async with live.subscribe(a, b, after=first.id) as subscription:
            missed = await _take(subscription, 4)
            live.publish(b, {"n": 6})  # and on, live
            (then,) = await _take(subscription, 1)
            rest = await subscription.next(0.3)
        return first, missed, then, rest

    first, missed, then, rest = run(go)
    assert _numbers([first]) == [1]
    assert _numbers(missed) == [2, 3, 4, 5]
    assert _numbers([then]) == [6]
    assert rest is None
    ids = [first.id, *(e.id for e in missed), then.id]
    assert len(set(ids)) == len(ids) and not any(e.reset for e in [*missed, then])


def test_a_stream_opened_without_an_id_resumes_from_where_it_started(backend):
    """A page that got no event before its stream dropped still catches up: the stream's
    ready event carries the id to resume from."""
    name = topic()

    async def go():
        async with live.subscribe(name) as subscription:
            start = subscription.cursor
        live.publish(name, {"n": 1})
        async with live.subscribe(name, after=start) as subscription:
            return await _take(subscription, 1)

    assert _numbers(run(go)) == [1]


def test_an_id_past_the_kept_events_gets_a_reset(backend, settings):
    settings.LIVE_REPLAY_EVENTS = 5  # Redis trims whole blocks of 100: publish well past them
    name = topic()

    async def go():
        async with live.subscribe(name) as subscription:
            live.publish(name, {"n": 0})
            (first,) = await _take(subscription, 1)
        for n in range(1, 301):
            live.publish(name, {"n": n})
        async with live.subscribe(name, after=first.id) as subscription:
            (reset,) = await _take(subscription, 1)
            live.publish(name, {"n": 301})
            (then,) = await _take(subscription, 1)
        return reset, then

    reset, then = run(go)
    assert reset.reset and reset.data == ""
    assert _numbers([then]) == [301]  # it goes on from the newest event, live
    assert then.id > reset.id or len(then.id) > len(reset.id)


@pytest.mark.parametrize("given", ["1-0", "99999999999999-0", "nonsense"])
def test_an_id_out_of_history_gets_a_reset(backend, given):
    """From before history began (another process, a Redis that lost its data, or older than
    LIVE_REPLAY_SECONDS), newer than any handed out, or not an id at all."""
    name = topic()

    async def go():
        live.publish(name, {"n": 1})
        async with live.subscribe(name, after=given) as subscription:
            return await _take(subscription, 1)

    (event,) = run(go)
    assert event.reset


def test_two_streams_and_two_publishing_processes_duplicate_nothing(backend):
    """Events from this process's threads and (with Redis) from another process, on
    overlapping topics: each stream gets each event once, in the order of their ids."""
    county, town = topic(), topic()
    threads_n, each = 4, 25
    other_process = 30 if backend else 0

    def publish(thread):
        for n in range(each):
            live.publish_many([county, town], {"n": f"{thread}-{n}"})

    async def go():
        async with live.subscribe(county, town) as one, live.subscribe(town) as two:
            workers = [threading.Thread(target=publish, args=(t,)) for t in range(threads_n)]
            for worker in workers:
                worker.start()
            if other_process:
                _publish_from_another_process(backend, [county, town], other_process)
            for worker in workers:
                worker.join()
            total = threads_n * each + other_process
            got = await _take(one, total), await _take(two, total)
            return got, await one.next(0.3), await two.next(0.3)

    (one, two), more_one, more_two = run(go)
    assert more_one is None and more_two is None
    for events in (one, two):
        numbers = [json.loads(e.data)["n"] for e in events]
        assert len(set(numbers)) == len(numbers)
        keys = [tuple(map(int, e.id.split("-"))) for e in events]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert [e.id for e in one] == [e.id for e in two]


def _publish_from_another_process(url: str, topics: list[str], count: int) -> None:
    from django.conf import settings

    code = (
        "import sys, json, redis\n"
        "from gridbee.core.live_log import redis_append\n"
        "client = redis.Redis.from_url(sys.argv[1])\n"
        "for n in range(int(sys.argv[3])):\n"
        "    event = json.dumps({'n': f'p-{n}'})\n"
        "    redis_append(client, sys.argv[2], sys.argv[4:], event, 1000, 60)\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, url, settings.REDIS_PREFIX, str(count), *topics],
        check=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
        timeout=60,
    )


def test_the_case_page_reconnecting_with_last_event_id_gets_what_it_missed(county, backend):
    """Through the view, as a browser's EventSource reconnects: the Last-Event-ID header."""
    case = new_case(county)
    url = f"/live/case/{case.pk}/"
    _, text = _stream(county.operator, url)
    ((kind, start, _),) = _events(text)
    assert kind == "ready" and start
    live.publish(f"case:{case.pk}", {"type": "case", "id": case.pk, "kind": "accept"})

    _, text = _stream(
        county.operator, url, headers={"Last-Event-ID": start}, needle='"kind": "accept"'
    )
    (ready, missed) = _events(text)[:2]
    assert missed[0] == "message" and json.loads(missed[2])["kind"] == "accept"
    assert ready[1] == start and missed[1] > start

    _, text = _stream(county.operator, url, headers={"Last-Event-ID": "1-0"}, needle="reset")
    assert [e[0] for e in _events(text)] == ["ready", "reset"]


class _FlakyReader:
    """A reader whose store (Redis) is away for its first read."""

    topics = ["test:flaky"]

    def __init__(self, history_kept: bool):
        self.history_kept, self.reads = history_kept, []

    async def read(self, after, timeout):
        self.reads.append(after)
        if len(self.reads) == 1:
            raise ConnectionError("Redis is restarting")
        return [((2, 0), "2-0", '{"n": 2}')] if after == "1-0" else []

    async def reaches(self, after):
        return self.history_kept

    async def last(self):
        return "5-0"


@pytest.mark.parametrize("history_kept", [True, False])
def test_a_stream_carries_on_from_its_id_when_its_store_comes_back(history_kept):
    reader = _FlakyReader(history_kept)
    subscription = live.Subscription(reader, "1-0", reset=False)

    async def go():
        return await subscription.next(0.01), await subscription.next(0.01)

    away, back = run(go)
    assert away is None  # the page's stream stays open meanwhile
    if history_kept:
        assert back == live.Event("2-0", '{"n": 2}') and reader.reads == ["1-0", "1-0"]
    else:  # e.g. a Redis that lost its data: the page reloads, and goes on from the newest id
        assert back == live.Event("5-0", reset=True) and subscription.cursor == "5-0"
