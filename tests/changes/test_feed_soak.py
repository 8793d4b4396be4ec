"""The feed under load (API.md round 2): 8 writers apply outcomes, edits and reopenings to
their own orders through the services while one partner polls the API with `since_id`;
at the end every committed change was seen exactly once, in increasing id order.

30 s on PostgreSQL, where writers run concurrently and commit in any order (the case
docs/changes.md is about); 10 s on SQLite, where they take turns (IMMEDIATE transactions)
and the poller reads beside them (WAL)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, connections

from dozvon.changes.models import Change
from dozvon.orders import services as svc
from dozvon.orders.services.calling import call_attempt_record
from dozvon.orders.services.outcomes import order_reopen
from tests.api.support import unique_phone
from tests.api.test_service_accounts import TokenApi, token_create
from tests.conftest import NOW
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 8
SECONDS = 30 if connection.vendor == "postgresql" else 10
DRAIN_SECONDS = 120  # after the writers stop: the feed catches up with the last commits


def _cycle(order_id: int, actor, i: int) -> str:
    """The i-th change of a writer's order, each in its own transaction; its kind."""
    step = i % 4
    if step == 0:
        svc.order_apply_outcome(
            order_id=order_id,
            actor=actor,
            code="callback",
            problem="need_callback",
            comment=f"Перезвонить {i}",
            callback_at=NOW + timedelta(days=1),
            now=NOW,
        )
    elif step == 1:
        svc.order_update(
            order_id=order_id,
            actor=actor,
            version=None,
            customer={"operator_comment": f"Заметка {i}"},
            now=NOW,
        )
    elif step == 2:
        svc.order_apply_outcome(order_id=order_id, actor=actor, code="confirm", now=NOW)
    else:
        order_reopen(order_id=order_id, actor=actor, comment=f"Снова {i}", now=NOW)
    return "edited" if step == 1 else "status"


def test_every_committed_change_is_seen_once_in_id_order(cod):
    # given 8 supervisors, each with an order of their own that has been called
    work = []
    for n in range(WRITERS):
        person = UserFactory(username=f"soak-{n}")
        MembershipFactory(user=person, project=cod.project, role="supervisor")
        order = cod.intake(phone=unique_phone(), external_id=f"SOAK-{n}")
        call_attempt_record(order_id=order.pk, actor=person, result="answered", now=NOW)
        work.append((order.pk, person))
    poller = TokenApi(token_create(cod.partner.username, "--project", "cod", "--scope", "changes"))
    written: Counter = Counter({"created": WRITERS})
    errors: list[BaseException] = []
    lock, stop = threading.Lock(), threading.Event()

    def write(order_id, person):
        i = 0
        try:
            while not stop.is_set():
                kind = _cycle(order_id, person, i)
                with lock:
                    written[kind] += 1
                i += 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    seen: list[dict] = []
    since, polls, pages_with_items = 0, 0, 0

    def poll() -> int:
        nonlocal since, polls, pages_with_items
        response = poller.get("/projects/cod/changes", since_id=since, limit=100)
        assert response.status_code == 200, response.data
        items = response.data["items"]
        seen.extend(items)
        since = response.data["next_since_id"]
        polls += 1
        pages_with_items += bool(items)
        return len(items)

    # when they write for SECONDS while the partner polls the feed
    threads = [threading.Thread(target=write, args=w) for w in work]
    started = time.monotonic()
    for th in threads:
        th.start()
    while time.monotonic() - started < SECONDS and not errors:
        poll()
    stop.set()
    for th in threads:
        th.join(timeout=60)
    duration = time.monotonic() - started
    committed = set(Change.objects.filter(project=cod.project).values_list("id", flat=True))
    deadline = time.monotonic() + DRAIN_SECONDS
    while len(seen) < len(committed) and time.monotonic() < deadline:
        if not poll():
            time.sleep(0.05)

    # then every committed change was seen exactly once, in increasing id order
    assert not errors, errors[:3]
    ids = [item["id"] for item in seen]
    assert all(a < b for a, b in zip(ids, ids[1:], strict=False)), "ids out of order or repeated"
    assert set(ids) == committed
    assert sum(written.values()) == len(committed)
    assert Counter(item["kind"] for item in seen) == written
    assert poll() == 0
    print(
        f"\nchanges feed soak on {connection.vendor}: {WRITERS} writers, {duration:.1f} s, "
        f"{len(committed)} changes written, {len(ids)} seen, {polls} polls "
        f"({pages_with_items} with items)"
    )
