"""The background worker that outlives its database (issue 25).

django-tasks-db's `Worker.run` loop raises out of the process on the first database error
that is not SQLite's "locked" (a PostgreSQL restart: `OperationalError … Connection
refused`, or a backend terminated under it), and nothing is sent until someone restarts
the worker. `ResilientWorker` wraps that loop, unchanged: when the database is away it
closes the broken connections, logs the failure once per backoff step, waits (1 s, 2 s,
4 s … up to `max_delay`), and runs the loop again, which then picks up whatever was
queued meanwhile. Errors that are not an outage (a bug) still end the process.

A task cut off by the outage is left claimed by django-tasks-db; the work it stood for is
not lost: the outbox and webhook sweeps enqueue lost sends again (messaging/sending.py,
webhooks/tasks.py).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker

log = logging.getLogger("dozvon.worker")

T = TypeVar("T")

FIRST_DELAY_S = 1.0
MAX_DELAY_S = 30.0


def database_outage(exc: BaseException) -> bool:
    """The database cannot be reached (refused, lost, terminated, closed), as opposed to
    a bad statement: the cases worth waiting out."""
    return isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DatabaseError) and "connection" in str(exc).lower()
    )


def close_broken_connections() -> None:
    """Drop every connection of this process so the next query connects afresh (closing
    a connection whose server is gone may itself fail: that is expected)."""
    for conn in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):
            conn.close()


class Backoff:
    """Delays 1, 2, 4 … `max_delay` seconds; `reset` after a success."""

    def __init__(self, *, first: float = FIRST_DELAY_S, max_delay: float = MAX_DELAY_S):
        self.first, self.max_delay = first, max_delay
        self.failures = 0

    def next_delay(self) -> float:
        self.failures += 1
        return min(self.max_delay, self.first * 2 ** (self.failures - 1))

    def reset(self) -> int:
        failures, self.failures = self.failures, 0
        return failures


def wait_out_outage(
    exc: BaseException, backoff: Backoff, what: str, sleep: Callable[[float], None]
) -> None:
    """After an outage: one log line for this step, connections closed, one wait."""
    delay = backoff.next_delay()
    log.warning(
        "%s: database unreachable (%s: %s); retry %d in %.0f s",
        what,
        type(exc).__name__,
        str(exc).strip().splitlines()[0] if str(exc).strip() else "",
        backoff.failures,
        delay,
    )
    close_broken_connections()
    sleep(delay)


def retry_while_database_away(
    fn: Callable[[], T],
    *,
    what: str,
    backoff: Backoff | None = None,
    keep_going: Callable[[], bool] = lambda: True,
    sleep: Callable[[float], None] = time.sleep,
) -> T | None:
    """`fn()`, run again after each database outage until it succeeds (or `keep_going`
    turns false: then None). Any other error propagates."""
    backoff = backoff or Backoff()
    while keep_going():
        try:
            result = fn()
        except BaseException as exc:
            if not database_outage(exc):
                raise
            wait_out_outage(exc, backoff, what, sleep)
            continue
        if backoff.failures:
            log.warning("%s: database reachable again after %d failures", what, backoff.reset())
        return result
    return None


def database_ping(alias: str = "default") -> None:
    """One round trip to the database; raises while it is away."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


class ResilientWorker(Worker):
    """django-tasks-db's worker, whose loop is run again after a database outage (the
    loop itself is theirs, unchanged)."""

    def __init__(self, *, backoff: Backoff | None = None, sleep=time.sleep, **kwargs):
        super().__init__(**kwargs)
        self.backoff = backoff or Backoff()
        self.sleep = sleep

    def run(self) -> None:
        what = f"worker {self.worker_id}"
        while self.running:
            try:
                if self.backoff.failures:
                    database_ping()
                    log.warning(
                        "%s: database reachable again after %d failures; carrying on",
                        what,
                        self.backoff.reset(),
                    )
                super().run()
                return
            except BaseException as exc:
                if not database_outage(exc):
                    raise
                wait_out_outage(exc, self.backoff, what, self.sleep)
                self.startup_delay = False  # the random start delay is for the first start
