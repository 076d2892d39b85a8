"""Writers of a busy write path take SQLite's one write lock in turn.

A SQLite writer that finds the lock taken sleeps and polls for it (up to 100 ms a time): in a
burst of reports some waited seconds while later ones went through. Wrapped in
``one_writer()``, the threads of a process queue on a lock of their own, and the processes
serving one database on a lock file beside it, so each is woken in turn. PostgreSQL locks
rows, not the database: there this does nothing.

A writer already inside a transaction goes straight on: its BEGIN IMMEDIATE took SQLite's
write lock, so it has the turn already, and queueing would make it wait for a writer that is
itself waiting for that lock (until the busy timeout)."""

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

try:
    import fcntl
except ImportError:  # Windows: the threads of one process still queue
    fcntl = None

_threads = threading.Lock()
_lock_files: dict[str, int] = {}
_holding = threading.local()  # this thread's turn, so a nested one_writer() goes straight on


@contextlib.contextmanager
def one_writer() -> Iterator[None]:
    if (
        connection.vendor != "sqlite"
        or connection.in_atomic_block
        or getattr(_holding, "turn", False)
    ):
        yield
        return
    with _threads:
        fd = _lock_file(str(connection.settings_dict["NAME"]))
        _holding.turn = True
        try:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            _holding.turn = False


def _lock_file(database: str) -> int | None:
    """Called holding _threads. None for an in-memory database or without fcntl."""
    if (
        fcntl is None
        or not database
        or database.startswith(":memory:")
        or "mode=memory" in database
    ):
        return None
    if database not in _lock_files:
        path = Path(database).with_name(Path(database).name + ".writers")
        _lock_files[database] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    return _lock_files[database]
