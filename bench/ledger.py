#!/usr/bin/env python3
"""Ledger benchmark: a partner's balance and monthly statement with 100,000 entries among
1,000,000, then redemptions in the points shop under contention.

    .venv/bin/python bench/ledger.py [--entries N] [--hot N] [--partners N] [--threads N]
                                     [--duration S] [--fresh]

Uses GRIDBEE_DATABASE_URL when set (as given: the database is the benchmark's to fill), else
its own SQLite file under bench/.cache/ledger/ (kept between runs with its entries; --fresh
reloads them). Only talks to 127.0.0.1. The last line printed is one JSON object."""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _shared import database_key, loadavg, wipe  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "ledger"
SEED = 2026
COUNTY = "529999000000"  # a made-up county of its own (99: no real province)
DAYS = 730  # the entries span two years, up to yesterday
EARNING = ["first_report", "report", "check_in", "activity", "alert"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries in all")
    parser.add_argument("--hot", type=int, default=100_000, help="entries of the measured partner")
    parser.add_argument("--partners", type=int, default=1_000, help="partners holding them")
    parser.add_argument("--threads", type=int, default=8, help="concurrent redeemers")
    parser.add_argument("--duration", type=float, default=5, help="seconds per redemption run")
    parser.add_argument("--fresh", action="store_true", help="wipe the database, reload entries")
    args = parser.parse_args()

    CACHE.mkdir(parents=True, exist_ok=True)
    os.environ["GRIDBEE_DATA_DIR"] = str(CACHE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridbee.settings")
    import django

    django.setup()
    from django.db import connection

    started = time.monotonic()
    print(f"load average: {loadavg()}, {os.cpu_count()} CPUs", flush=True)
    meta = prepare_database(args)
    print(
        f"database: {connection.vendor}, {meta['stored']:,} entries, the measured partner has "
        f"{meta['hot_stored']:,} (loaded in {meta['load_s']:.0f} s on {meta['loaded_on']})",
        flush=True,
    )
    figures: dict = {"database": connection.vendor, "load_average_start": loadavg()}
    figures |= time_reads(meta)
    figures |= time_redemptions(args)
    figures |= {
        "entries": meta["stored"],
        "hot_entries": meta["hot_stored"],
        "entries_load_s": meta["load_s"],
        "threads": args.threads,
        "load_average_end": loadavg(),
        "cpus": os.cpu_count(),
        "run_s": round(time.monotonic() - started),
    }
    print(json.dumps(figures))


# --- the database ---------------------------------------------------------------------------


def prepare_database(args) -> dict:
    """Migrated, with the county, its partners and their entries; wiped and reloaded when asked
    or when what is stored is not what was asked for."""
    from django.core.management import call_command

    from gridbee.rewards.models import PointsEntry

    meta_path = CACHE / f"entries-{database_key()}.json"
    call_command("migrate", verbosity=0)
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else None
    wanted = {"entries": args.entries, "hot": args.hot, "partners": args.partners}
    stored = PointsEntry.objects.filter(key__startswith="b:").count()
    if args.fresh or meta is None or meta["asked"] != wanted or stored != args.entries:
        print(f"wiping the benchmark database ({stored:,} entries were stored)", flush=True)
        meta_path.unlink(missing_ok=True)
        wipe()
        t0 = time.perf_counter()
        hot_id = store(args.entries, args.hot, args.partners)
        meta = {
            "asked": wanted,
            "hot_partner": hot_id,
            "load_s": round(time.perf_counter() - t0, 1),
            "loaded_on": time.strftime("%Y-%m-%d"),
            "last_day": (_today() - datetime.timedelta(days=1)).isoformat(),
        }
        meta_path.write_text(json.dumps(meta))
        stored = PointsEntry.objects.filter(key__startswith="b:").count()
    hot = PointsEntry.objects.filter(partner_id=meta["hot_partner"]).count()
    return meta | {"stored": stored, "hot_stored": hot}


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def organisation():
    """The benchmark's county, its rules (the shop open all year), an industry and a station."""
    from gridbee.geo.choices import Level
    from gridbee.geo.models import Region
    from gridbee.people.models import Company, Industry, Station
    from gridbee.rewards.models import EarningRules

    county, _ = Region.objects.get_or_create(
        code=COUNTY, defaults={"name": "基准县", "level": Level.COUNTY}
    )
    EarningRules.objects.update_or_create(
        county=county, defaults={"redemption_always_open": True, "daily_cap": 10**9}
    )
    industry, _ = Industry.objects.get_or_create(code="bench", defaults={"name": "基准"})
    company, _ = Company.objects.get_or_create(name="基准公司", defaults={"industry": industry})
    station, _ = Station.objects.get_or_create(company=company, name="基准站", county=county)
    return county, industry, station


def make_partners(names: list[str], mobile_from: int) -> list:
    """Partners inserted directly (the benchmark measures the ledger, not enrolment)."""
    from django.contrib.auth.hashers import make_password

    from gridbee.people.choices import Role
    from gridbee.people.models import Partner, User

    county, industry, station = organisation()
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(mobile=str(mobile_from + n), name=name, role=Role.PARTNER, password=password)
            for n, name in enumerate(names)
        ]
    )
    return Partner.objects.bulk_create(
        [
            Partner(user=u, name=u.name, id_number="0" * 18, industry=industry, station=station,
                    county=county)
            for u in users
        ]
    )  # fmt: skip


def store(n_entries: int, n_hot: int, n_partners: int) -> int:
    """n_entries entries over the last two years: n_hot for the first partner, the rest spread
    over the others. Each partner's entries keep a running balance (earnings of 1–10 points,
    now and then a redemption the balance allows), and their account holds the sum. Raw SQL
    (COPY on PostgreSQL, batched inserts on SQLite), in the ledger's own columns."""
    from django.db import connection, transaction

    from gridbee.rewards.models import PointsAccount

    print(f"storing {n_entries:,} entries for {n_partners:,} partners (once)", flush=True)
    partners = make_partners([f"基准骑手{n}" for n in range(n_partners)], 13_900_000_000)
    counts = [n_hot, *_spread(n_entries - n_hot, n_partners - 1)]
    rng = random.Random(SEED)
    last_day = _today() - datetime.timedelta(days=1)
    first_day = last_day - datetime.timedelta(days=DAYS - 1)
    tz = datetime.timezone(datetime.timedelta(hours=8))
    columns = ["partner_id", "county_id", "amount", "kind", "key", "balance_after", "day",
               "created_at", "note"]  # fmt: skip
    accounts, done = [], 0
    with transaction.atomic():
        for partner, count in zip(partners, counts, strict=True):
            rows, balance = [], 0
            for i in range(count):
                day = first_day + datetime.timedelta(days=i * DAYS // count)
                if balance >= 20 and rng.random() < 0.08:
                    amount, kind = -rng.randint(5, min(balance, 60)), "redemption"
                else:
                    amount, kind = rng.randint(1, 10), rng.choice(EARNING)
                balance += amount
                at = datetime.datetime.combine(day, datetime.time(12), tz)
                rows.append((partner.pk, COUNTY, amount, kind, f"b:{partner.pk}:{i}", balance,
                             day, at, ""))  # fmt: skip
            _insert(connection, "rewards_pointsentry", columns, rows)
            accounts.append(
                PointsAccount(partner=partner, county_id=COUNTY, balance=balance, entry_count=count)
            )
            done += count
            if len(accounts) % 100 == 0 or done == n_entries:
                print(f"  entries: {done:,}/{n_entries:,}", flush=True)
        PointsAccount.objects.bulk_create(accounts)
    if connection.vendor == "postgresql":
        # What autovacuum soon does after a bulk load: statistics, and the visibility map
        # that lets the statement's reads stay in the index.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE rewards_pointsentry")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return partners[0].pk


def _spread(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if n < extra else 0) for n in range(parts)]


def _insert(connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


# --- reads ----------------------------------------------------------------------------------


def _timed(call, repeat: int) -> tuple[float, float]:
    """Median and p99 in ms of `repeat` calls, after a warm-up."""
    for _ in range(min(50, repeat)):
        call()
    timings = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        call()
        timings.append((time.perf_counter_ns() - t0) / 1e6)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, int(0.99 * len(timings)))]


def time_reads(meta: dict) -> dict:
    from django.db import connection
    from django.db.models import Sum

    from gridbee.people.models import Partner
    from gridbee.rewards import ledger
    from gridbee.rewards.models import PointsEntry

    partner = Partner.objects.get(pk=meta["hot_partner"])
    last_day = datetime.date.fromisoformat(meta["last_day"])
    month = (last_day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)  # a full one
    from gridbee.rewards.statements import compute as statement

    balance_ms, balance_p99 = _timed(lambda: ledger.balance(partner), 2000)
    statement_ms, statement_p99 = _timed(lambda: statement(partner, month), 500)
    sum_ms, _ = _timed(lambda: ledger.ledger_sum(partner), 20)
    result = statement(partner, month)
    assert ledger.balance(partner) == ledger.ledger_sum(partner), "cache and ledger differ"
    print(
        f"balance of a partner with {meta['hot_stored']:,} entries: median {balance_ms:.3f} ms, "
        f"p99 {balance_p99:.3f} ms (the cached balance; the sum of all entries takes "
        f"{sum_ms:.1f} ms)"
    )
    print(
        f"statement of {month:%Y-%m} ({statement.__module__}.{statement.__name__}): median "
        f"{statement_ms:.3f} ms, p99 {statement_p99:.3f} ms; opening {result['opening']}, "
        f"earned {result['earned']}, spent {result['spent']}, closing {result['closing']}"
    )
    start, end = month, (month + datetime.timedelta(days=32)).replace(day=1)
    plans = {
        "opening": PointsEntry.objects.filter(partner=partner, day__lt=start)
        .order_by("-day", "-id")
        .values_list("balance_after", flat=True)[:1],
        "month by kind": PointsEntry.objects.filter(partner=partner, day__gte=start, day__lt=end)
        .order_by()
        .values("kind")
        .annotate(total=Sum("amount")),
    }
    analyze = {"analyze": True} if connection.vendor == "postgresql" else {}
    for name, queryset in plans.items():
        print(f"query plan ({name}):\n  " + queryset.explain(**analyze).replace("\n", "\n  "))
    return {
        "balance_ms": round(balance_ms, 3),
        "balance_p99_ms": round(balance_p99, 3),
        "statement_ms": round(statement_ms, 3),
        "statement_p99_ms": round(statement_p99, 3),
        "ledger_sum_ms": round(sum_ms, 2),
    }


# --- redemptions under contention -----------------------------------------------------------


def time_redemptions(args) -> dict:
    """Threads redeeming from one item with plenty of stock as fast as they can: one alone,
    then each its own partner, then all the same partner (whose account row they queue for)."""
    from gridbee.rewards.choices import ItemKind
    from gridbee.rewards.models import Item, Order

    county, _, _ = organisation()
    item, _ = Item.objects.update_or_create(
        county=county,
        name="基准商品",
        defaults={"kind": ItemKind.GOODS, "price": 1, "stock": 10**9, "per_person_limit": 32767},
    )
    orders_before = Order.objects.filter(item=item).count()
    runs = {
        "1": ("1 thread", 1, 1),
        "n": (f"{args.threads} threads, each its own partner", args.threads, args.threads),
        "same": (f"{args.threads} threads, one partner", args.threads, 1),
    }
    results = {}
    for name, (label, threads, n_partners) in runs.items():
        partners = _funded_partners(n_partners)
        rate, p50, p99, refused = _redeem_for(item, partners, threads, args.duration)
        results[name] = (rate, p50, p99)
        print(
            f"redemptions, {label}: {rate:.0f}/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms"
            + (f"; refused: {refused}" if refused else ""),
            flush=True,
        )
    _check(item, orders_before)
    return {
        "redemptions_per_s": round(results["n"][0], 1),
        "redemption_p50_ms": round(results["n"][1], 1),
        "redemption_p99_ms": round(results["n"][2], 1),
        "redemptions_per_s_1_thread": round(results["1"][0], 1),
        "same_partner_redemptions_per_s": round(results["same"][0], 1),
        "same_partner_p99_ms": round(results["same"][2], 1),
    }


def _funded_partners(n: int) -> list:
    """New partners for each run (their orders count against the per-person limit), funded
    by a correction through the ledger."""
    from gridbee.people.models import User
    from gridbee.rewards import ledger

    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "13999999999", uuid.uuid4().hex, name="基准管理员"
    )
    partners = make_partners([f"抢购{n}" for n in range(n)], 15_000_000_000 + User.objects.count())
    for partner in partners:
        ledger.adjust(partner, 10**6, actor=admin, note="benchmark")
    return partners


def _redeem_for(item, partners, threads: int, duration: float):
    from django.db import connection

    from gridbee.core.errors import DomainError
    from gridbee.rewards.actions import shop

    latencies: list[float] = []
    refused: dict[str, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def redeemer(partner) -> None:
        try:
            barrier.wait()
            deadline = time.perf_counter() + duration
            mine = []
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    shop.redeem(partner, item.pk, idempotency_key=uuid.uuid4().hex)
                    mine.append((time.perf_counter() - t0) * 1000)
                except DomainError as exc:
                    with lock:
                        refused[exc.code] = refused.get(exc.code, 0) + 1
            with lock:
                latencies.extend(mine)
        finally:
            connection.close()

    workers = [
        threading.Thread(target=redeemer, args=(partners[i % len(partners)],))
        for i in range(threads)
    ]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    p50 = statistics.median(latencies) if latencies else float("nan")
    p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan")
    return len(latencies) / elapsed, p50, p99, refused


def _check(item, orders_before: int) -> None:
    """Stock moved by exactly the orders placed; every balance equals its ledger."""
    from gridbee.rewards import ledger
    from gridbee.rewards.models import Order, PointsAccount

    item.refresh_from_db()
    placed = Order.objects.filter(item=item).count() - orders_before
    assert item.stock == 10**9 - placed, "stock and orders differ"
    for account in PointsAccount.objects.filter(partner__name__startswith="抢购"):
        assert account.balance == ledger.ledger_sum(account.partner_id), "cache and ledger differ"
    print(f"checked: {placed:,} orders took {placed:,} from the stock; balances match the ledger")


if __name__ == "__main__":
    main()
