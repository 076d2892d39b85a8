"""Timelines written before a step's reason had its own column: the codes kept in notes move
over, free notes stay, claims keep theirs to their own migration."""

import importlib

import pytest
from django.apps import apps

from gridbee.cases.models import CaseEvent
from gridbee.cases.tests.test_workflow import new_case

pytestmark = pytest.mark.django_db


def test_reasons_kept_in_notes_move_to_their_column(county):
    migration = importlib.import_module("gridbee.cases.migrations.0012_event_reason")
    case = new_case(county)
    old = {
        "coded": CaseEvent.objects.create(case=case, kind="reject", note="duplicate"),
        "rated": CaseEvent.objects.create(case=case, kind="rate", note="fairly"),
        "worded": CaseEvent.objects.create(case=case, kind="reject", note="此人屡报不实"),
        "other step": CaseEvent.objects.create(case=case, kind="hold", note="duplicate"),
    }
    migration.move_reasons(apps, None)
    got = {name: CaseEvent.objects.values_list("reason", "note").get(pk=e.pk)
           for name, e in old.items()}  # fmt: skip
    assert got == {
        "coded": ("duplicate", ""),
        "rated": ("fairly", ""),
        "worded": ("", "此人屡报不实"),
        "other step": ("", "duplicate"),
    }
