"""Idempotency-Key as the IETF draft has it: the same key with the same request answers the
first answer again; the same key with a different request is refused with 422 and a stable
code, also when the two race each other."""

import threading

import pytest
from django.db import connection

from gridbee.cases.models import Photo, Report

from . import images
from .test_intake import NEARBY, partner_client, post, stored_files

CHINESE = (
    "此 Idempotency-Key 已用于另一份不同的上报（地点、文字、类别或照片不同）。"
    "新的上报请使用新的 Idempotency-Key。"
)


@pytest.mark.parametrize(
    "changes",
    [
        {"at": NEARBY},
        {"text": "另一件事"},
        {"category": "exposed_garbage"},
        {"photos": [images.jpeg(colour=(10, 200, 10))]},
        {"emergency": "true"},
        {"accuracy": "30"},
    ],
    ids=["place", "text", "category", "photo", "emergency", "accuracy"],
)
def test_a_key_reused_with_a_different_report_is_refused_with_422(county, changes):
    client = partner_client(county)
    first = post(client, text="垃圾满了")
    files = stored_files()
    response = post(client, **({"text": "垃圾满了"} | changes))
    assert response.status_code == 422, response.content
    assert response.json() == {"code": "reports.idempotency_key_reused", "message": CHINESE}
    assert list(Report.objects.values_list("pk", flat=True)) == [first.json()["report_id"]]
    assert stored_files() == files


def test_a_retry_differing_only_in_form_is_the_same_report(county):
    client = partner_client(county)
    first = post(client, text="垃圾满了", phone_time="2026-11-23T10:00:00+08:00")
    again = post(client, text="  垃圾满了 ", phone_time="2026-11-23T02:00:00Z")
    assert again.status_code == 200 and again.json() == first.json()
    assert Report.objects.count() == 1


def test_a_report_stored_before_fingerprints_answers_any_retry_as_before(county):
    client = partner_client(county)
    first = post(client)
    Report.objects.update(request_fingerprint="")
    again = post(client, text="第二次发送")
    assert again.status_code == 200 and again.json() == first.json()
    assert Report.objects.count() == 1


def race(county, key: str, texts: list[str], photo: bytes) -> list[tuple[int, dict]]:
    """One post per text, all with the key, sent at the same moment from threads."""
    answers, barrier = [], threading.Barrier(len(texts))

    def send(text):
        client = partner_client(county)
        barrier.wait()
        try:
            response = post(client, key=key, text=text, photos=[photo])
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(text,)) for text in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


@pytest.mark.django_db(transaction=True)
def test_a_racing_pair_with_one_key_and_different_reports_makes_one(county):
    photo = images.jpeg(800, 600)
    for round_ in range(3):
        answers = race(county, f"race-{round_}", ["桶满了", "桶倒了"], photo)
        assert sorted(status for status, _ in answers) == [201, 422], answers
        refused = next(body for status, body in answers if status == 422)
        assert refused["code"] == "reports.idempotency_key_reused"
    assert Report.objects.count() == 3 and Photo.objects.count() == 3
