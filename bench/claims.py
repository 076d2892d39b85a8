#!/usr/bin/env python3
"""Claims benchmark: partners' claims round the whole loop on the case engine (raise with a
photo, file, assign, answer, rate, archive) and mediations to an agreement, then the dashboards'
figures over all of them.

    .venv/bin/python bench/claims.py [--claims 300] [--mediations 100]

Uses GRIDBEE_DATABASE_URL when set (as given: the database is the benchmark's to fill), else
its own SQLite file under bench/.cache/claims/ (wiped each run). The last line printed is one
JSON object."""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _shared import database_key, loadavg, wipe  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "claims"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=300, help="claims round the whole loop")
    parser.add_argument("--mediations", type=int, default=100, help="mediations to agreement")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    os.environ["GRIDBEE_DATA_DIR"] = str(CACHE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridbee.settings")
    import django

    django.setup()
    from django.db import connection

    from gridbee.cases.choices import CaseEventKind as K
    from gridbee.claims import actions
    from gridbee.claims.figures import figures
    from gridbee.claims.models import Mediation
    from gridbee.claims.tests.parties import add_claims_parties
    from gridbee.people.tests import county as fixture
    from gridbee.reports.tests.images import jpeg

    print(f"load average: {loadavg()}, {os.cpu_count()} CPUs", flush=True)
    wipe()
    c = add_claims_parties(fixture.build())
    photo = jpeg(1280, 960)
    known = datetime.date.today() - datetime.timedelta(days=30)

    def raise_one(n: int, kind: str = "pay"):
        claim, _ = actions.raise_claim(
            c.partner_user, type=kind, facts=f"第{n}条诉求：工资未发", amount="1000",
            respondent_code="meituan", known_on=known, photos=[photo], idempotency_key=f"b{n}",
        )  # fmt: skip
        return claim.case_id

    loop_ms = []
    for n in range(args.claims):
        started = time.perf_counter()
        case = raise_one(n, "rest")
        actions.act(c.operator, case, K.ACCEPT)
        actions.act(c.operator, case, K.DISPATCH, department_code="rsj")
        actions.act(c.labour_user, case, K.HANDLE, note="已答复")
        actions.act(c.partner_user, case, K.RATE, reason="satisfied")
        actions.act(c.operator, case, K.ARCHIVE)
        loop_ms.append((time.perf_counter() - started) * 1000)
    mediation_ms = []
    for n in range(args.mediations):
        started = time.perf_counter()
        case = raise_one(args.claims + n)
        actions.act(c.operator, case, K.ACCEPT)
        actions.act(c.operator, case, K.DISPATCH, department_code="tjw")
        m = Mediation.objects.get(claim__case_id=case).case_id
        actions.act(c.mediator, m, K.ACCEPT)
        actions.act(c.mediator, m, K.DISPATCH, extra={"mediator": c.mediator.pk})
        actions.act(c.mediator, m, K.SESSION, note="调解笔录")
        actions.act(c.mediator, m, K.AGREE, note="支付1000元")
        actions.act(c.platform_user, m, K.COUNTERSIGN)
        actions.act(c.partner_user, m, K.CONFIRM)
        mediation_ms.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    got = figures()
    figures_ms = (time.perf_counter() - started) * 1000
    print(f"{args.claims} claims round the loop: p50 {statistics.median(loop_ms):.0f} ms each; "
          f"{args.mediations} mediations: p50 {statistics.median(mediation_ms):.0f} ms each; "
          f"figures over all in {figures_ms:.0f} ms", flush=True)  # fmt: skip
    assert got["total"]["received"] == args.claims + args.mediations
    print(json.dumps({
        "claims": args.claims, "mediations": args.mediations,
        "claim_loop_ms_p50": round(statistics.median(loop_ms), 1),
        "mediation_ms_p50": round(statistics.median(mediation_ms), 1),
        "figures_ms": round(figures_ms, 1), "database": connection.vendor,
        "database_key": database_key(), "load": loadavg(),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
