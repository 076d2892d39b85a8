"""one_writer(): on SQLite, writers take turns, the threads of a process and the processes of
one database alike; on PostgreSQL it holds nobody back."""

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from gridbee.core.writers import one_writer

pytestmark = pytest.mark.django_db

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(0.6)
"""


def most_inside_at_once(threads: int) -> int:
    inside, most, lock = 0, 0, threading.Lock()
    start = threading.Barrier(threads)

    def write():
        nonlocal inside, most
        start.wait()
        with one_writer():
            with lock:
                inside += 1
                most = max(most, inside)
            time.sleep(0.05)
            with lock:
                inside -= 1

    workers = [threading.Thread(target=write) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return most


def test_threads_write_one_at_a_time_on_sqlite_and_together_on_postgresql():
    assert most_inside_at_once(6) == (1 if connection.vendor == "sqlite" else 6)


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a request's writer is
def test_a_writer_waits_while_another_process_has_the_turn():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock to queue for")
    lock_file = Path(str(connection.settings_dict["NAME"]) + ".writers")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock_file)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with one_writer():
            waited = time.monotonic() - started
    finally:
        holder.wait(10)
    assert waited > 0.3


def test_a_writer_inside_its_turn_goes_straight_on():
    def nested():
        with one_writer(), one_writer():
            pass  # the inner turn would otherwise wait for the outer one: for ever

    thread = threading.Thread(target=nested, daemon=True)
    thread.start()
    thread.join(5)
    assert not thread.is_alive()


def test_a_writer_inside_a_transaction_goes_straight_on():
    """Its transaction holds SQLite's write lock already: waiting for the turn could make it
    wait for a writer that is waiting for that lock."""
    holding, release = threading.Event(), threading.Event()

    def hold_the_turn():
        with one_writer():
            holding.set()
            release.wait(1)

    holder = threading.Thread(target=hold_the_turn, daemon=True)
    holder.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        with transaction.atomic(), one_writer():
            waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(5)
    assert waited < 0.3
