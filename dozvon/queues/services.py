"""Take next (COD-7…9): one due order to one operator, exclusively; release.

A claim is a compare-and-set UPDATE (`… WHERE id = ? AND claim is free or expired`) that
is correct on both databases; on PostgreSQL the candidate SELECT also takes the row with
FOR UPDATE SKIP LOCKED so concurrent operators do not queue behind each other
(STACK-NOTES: SQLite ignores SKIP LOCKED; there the IMMEDIATE transaction serialises).
"""

from __future__ import annotations

import functools
import itertools
import weakref
from datetime import UTC, date, datetime, time, timedelta

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_noop as N_
from psycopg.pq import TransactionStatus

from dozvon.core.errors import Forbidden, NotFound, RuleViolations, violation
from dozvon.orders.claims import claim_idle
from dozvon.orders.models import Order
from dozvon.orders.selectors import LIST_ORDER
from dozvon.orders.services import Event, bump_version, lock_order, record
from dozvon.playbooks.definition import QueueDef
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import WORK, ensure_can, has_role, is_supervising, membership_of
from dozvon.projects.models import Membership
from dozvon.queues.models import QueueSnapshot
from dozvon.queues.selectors import day_start, queue_counts, queue_filter

MAX_ATTEMPTS = 8


def _queue(project, code: str) -> QueueDef:
    queue = next((q for q in playbook_def(project.playbook).queues if q.code == code), None)
    if queue is None:
        raise NotFound()
    return queue


def _free(now: datetime, project) -> Q:
    return Q(claimed_by__isnull=True) | Q(claimed_at__lt=now - claim_idle(project))


def queue_candidates(*, project, queue: QueueDef, actor, now: datetime):
    """Due, unclaimed orders of the tab that the operator's skills allow, in taking order."""
    qs = Order.objects.filter(project=project).filter(
        queue_filter(queue, now=now, tz=project.time_zone)
    )
    qs = qs.filter(due_at__lte=now).filter(_free(now, project))
    if queue.unassigned_only:
        qs = qs.filter(responsible__isnull=True)  # COD-7
    member = membership_of(actor, project)
    if member is not None and not member.all_products:
        # COD-7/8 skills, read from the link table alone (no join to the catalogue)
        skills = Membership.skills.through.objects.filter(membership_id=member.pk)
        qs = qs.filter(main_product_id__in=skills.values("product_id"))
    if queue.take == "list":
        # COD-8: from the top of the tab's list as the operator sees it (newest first)
        return qs.order_by(*LIST_ORDER)
    return qs.order_by("due_at", "id")  # COD-7: oldest first (a New order is due on arrival)


def queue_take_next(*, project, queue_code: str, actor, now: datetime) -> Order | None:
    """Hand the next due order of a tab to `actor`, or None when there is none.

    An operator holding a live claim in the project gets that order back instead of a
    second one: one operator works one order at a time.
    """
    ensure_can(actor, project, WORK)
    queue = _queue(project, queue_code)
    if not has_role(actor, project, queue.roles):
        raise Forbidden()
    if not queue.callable:
        raise RuleViolations(
            [violation(queue.rule, "queue", "Orders are not handed out from this queue.")]
        )
    if connection.vendor == "postgresql":
        order = _take_in_one_statement(project=project, queue=queue, actor=actor, now=now)
    else:
        order = _take_by_compare_and_set(project=project, queue=queue, actor=actor, now=now)
    if order is not None:
        order.project = project
        order.claimed_by = actor  # the card names the claimant: no read for it
    return order


def _take_by_compare_and_set(*, project, queue: QueueDef, actor, now: datetime) -> Order | None:
    for _ in range(MAX_ATTEMPTS):
        with transaction.atomic():
            held = (
                Order.objects.filter(project=project, claimed_by=actor)
                .filter(claimed_at__gte=now - claim_idle(project))
                .first()
            )
            if held is not None:
                return held
            qs = queue_candidates(project=project, queue=queue, actor=actor, now=now)
            candidate = qs.values_list("id", flat=True).first()
            if candidate is None:
                return None
            taken = (
                Order.objects.filter(pk=candidate)
                .filter(_free(now, project))
                .update(claimed_by=actor, claimed_at=now, version=F("version") + 1, updated_at=now)
            )
            if taken:
                return Order.objects.select_related("customer").get(pk=candidate)
    return None


# The order's columns by name, never `*`: a prepared take keeps its result type when a
# migration adds a column while the app servers run.
_TAKE_SQL = """
WITH held AS (
    SELECT {columns} FROM orders_order
    WHERE project_id = %s AND claimed_by_id = %s AND claimed_at >= %s
    LIMIT 1
), candidate AS (
    {candidate} FOR UPDATE OF "orders_order" SKIP LOCKED
), claimed AS (
    UPDATE orders_order AS o
    SET claimed_by_id = %s, claimed_at = %s, version = o.version + 1, updated_at = %s
    FROM candidate AS c
    WHERE o.id = c.id AND NOT EXISTS (SELECT 1 FROM held)
      AND (o.claimed_by_id IS NULL OR o.claimed_at < %s)
    RETURNING {returning}
)
SELECT * FROM held UNION ALL SELECT * FROM claimed
"""


def _compile_take(*, project, queue: QueueDef, actor, now: datetime) -> tuple[str, list]:
    idle_since = now - claim_idle(project)
    candidate = queue_candidates(project=project, queue=queue, actor=actor, now=now)
    candidate_sql, candidate_params = candidate.values_list("id")[:1].query.sql_with_params()
    params = [
        project.pk,
        actor.pk,
        idle_since,
        *candidate_params,
        actor.pk,
        now,
        now,
        idle_since,
    ]
    names = [connection.ops.quote_name(f.column) for f in Order._meta.concrete_fields]
    sql = _TAKE_SQL.format(
        candidate=candidate_sql,
        columns=", ".join(names),
        returning=", ".join(f"o.{name}" for name in names),
    )
    return sql, params


# Two moments the statement is compiled for when it is cached: times of day no real
# moment's derived values (day starts, idle limit) can coincide with.
_COMPILED_AT = (
    datetime(2001, 2, 3, 15, 27, 31, 123457, tzinfo=UTC),
    datetime(2003, 7, 9, 4, 41, 7, 654321, tzinfo=UTC),
)
_COMPILED: dict[tuple, tuple[str, tuple]] = {}
_COMPILED_MAX = 20_000


def _moments(now: datetime, project) -> dict[str, datetime]:
    """Every time value the statement's parameters are derived from."""
    tz = project.time_zone
    moments = {"now": now, "idle_since": now - claim_idle(project)}
    moments.update({f"day_{n}": day_start(now, tz, n) for n in range(3)})
    return moments


def _template(*, project, queue: QueueDef, actor) -> tuple[str, tuple] | None:
    """The statement with each parameter marked as a constant or as the moment it is
    derived from, or None when that cannot be told for certain: compiled for two
    moments, a parameter that differs must be the same derived moment in both, and one
    that does not differ must not be a time value."""
    compiled, names = [], []
    for at in _COMPILED_AT:
        compiled.append(_compile_take(project=project, queue=queue, actor=actor, now=at))
        by_value: dict[datetime, str] = {}
        for name, value in _moments(at, project).items():
            if by_value.setdefault(value, name) != name:
                return None
        names.append(by_value)
    (sql_a, params_a), (sql_b, params_b) = compiled
    if sql_a != sql_b or len(params_a) != len(params_b):
        return None
    slots = []
    for a, b in zip(params_a, params_b, strict=True):
        if a == b and not isinstance(a, date | time | timedelta):
            slots.append((False, a))
        elif (
            isinstance(a, datetime)
            and isinstance(b, datetime)
            and names[0].get(a) is not None
            and names[0].get(a) == names[1].get(b)
        ):
            slots.append((True, names[0][a]))
        else:
            return None
    return sql_a, tuple(slots)


def take_statement(
    *, project, queue: QueueDef, actor, now: datetime, cached: bool = True
) -> tuple[str, list]:
    """The PostgreSQL take-next statement and its parameters (also EXPLAINed by bench/).

    The held-claim check, the candidate (FOR UPDATE SKIP LOCKED) and the compare-and-set
    claim in one statement, one round trip: per-statement overhead dominated take next
    (bench/README.md). The candidate is the same ORM query as on SQLite, so the tab, due,
    free, unassigned and skills conditions are defined once. A row a concurrent operator
    changed is re-checked by PostgreSQL against the candidate's conditions before it is
    locked; locked rows are skipped, so operators never wait on each other.

    Compiling that ORM query cost as much CPU as the rest of a take, so it is compiled once
    per project, playbook, time zone, tab and operator membership, and only the time values
    are filled in per call (tests compare it with a fresh compile at arbitrary moments)."""
    if not cached:
        return _compile_take(project=project, queue=queue, actor=actor, now=now)
    member = membership_of(actor, project)
    key = (
        project.pk,
        project.playbook.source_sha256,
        project.time_zone,
        queue.code,
        actor.pk,
        member.pk if member is not None else None,
        member.all_products if member is not None else None,
    )
    template = _COMPILED.get(key)
    if template is None:
        template = _template(project=project, queue=queue, actor=actor)
        if template is None:
            return _compile_take(project=project, queue=queue, actor=actor, now=now)
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        _COMPILED[key] = template
    sql, slots = template
    moments = _moments(now, project)
    return sql, [moments[value] if is_moment else value for is_moment, value in slots]


# Namespace of the per-operator take lock (pg_advisory_xact_lock(int, int)).
_TAKE_LOCK = 0x646B


def _take_in_one_statement(*, project, queue: QueueDef, actor, now: datetime) -> Order | None:
    sql, params = take_statement(project=project, queue=queue, actor=actor, now=now)
    # COD-9, one order per operator: the statement's "held" check reads a snapshot taken
    # when it starts, so two takes of one operator at once would both see nothing held and
    # claim two orders. A transaction-scoped lock per (project, operator) serialises one
    # operator's takes (others never wait on it); the second sees the first's claim.
    lock = ("SELECT pg_advisory_xact_lock(%s, %s)", (_TAKE_LOCK, _lock_key(project, actor)))
    connection.ensure_connection()
    with connection.wrap_database_errors:
        if connection.in_atomic_block:  # the caller's transaction: the lock lasts as long
            with transaction.atomic(), connection.connection.cursor() as cursor:
                cursor.execute(*lock)
                cursor.execute(sql, params)
                row = cursor.fetchone()
        else:
            row = _take_in_one_message(lock[1], sql, params)
    if row is None:
        return None
    # the columns come in the model's field order (_TAKE_SQL); converted as the ORM does
    # (JSON arrives as text from Django's psycopg loaders)
    fields = Order._meta.concrete_fields
    values = [
        value if convert is None else convert(value, None, connection)
        for value, convert in zip(row, _converters(), strict=True)
    ]
    return Order.from_db(connection.alias, [f.attname for f in fields], values)


@functools.cache
def _converters() -> tuple:
    return tuple(getattr(f, "from_db_value", None) for f in Order._meta.concrete_fields)


def _lock_key(project, actor) -> int:
    return (project.pk * 65_599 + actor.pk) % 2_147_483_647


def _take_in_one_message(lock_args: tuple[int, int], sql: str, params: list, retry: bool = True):
    """The operator's lock and the take in one simple-protocol message, one network round
    trip and one psycopg call (issue 18: at 32 operators in one process, the GIL time of
    each take is what lengthens the others' waits). Statements sent together this way run
    as one implicit transaction: the lock is held until it commits, and the take, a
    statement of its own, reads a snapshot taken after the lock was granted. A failed
    statement rolls the whole transaction back.

    The take is a prepared statement, `PREPARE`d once per connection and run by `EXECUTE`
    (PostgreSQL plans it once instead of each time, ~0.4 ms of its CPU), unless
    `DATABASE_POOLING=transaction`: behind a transaction-pooling pgbouncer (1.18) the
    next transaction may run on another server connection, where the statement does not
    exist (test_take_behind_pooler). The rest of Django binds on the client and never
    prepares."""
    raw = connection.connection
    take, args = sql, params
    if settings.DATABASE_POOLING != "transaction":
        take = f"EXECUTE {_prepared(raw, sql)}({', '.join(['%s'] * len(params))})"
    with raw.cursor() as cursor:
        try:
            cursor.execute(f"SELECT pg_advisory_xact_lock(%s, %s); {take}", (*lock_args, *args))
        except psycopg.errors.InvalidSqlStatementName:
            if not retry:
                raise
            # the server forgot it (a pooler's DISCARD ALL): prepare again, once
            _PREPARED.get(raw, {}).pop(sql, None)
            return _take_in_one_message(lock_args, sql, params, retry=False)
        except Exception:
            if raw.info.transaction_status != TransactionStatus.IDLE:
                raw.execute("ROLLBACK")
            raise
        cursor.nextset()
        return cursor.fetchone()


# psycopg connection → {take statement: its prepared name on that connection}
_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NAMES = itertools.count()


def _prepared(raw, sql: str) -> str:
    names = _PREPARED.setdefault(raw, {})
    name = names.get(sql)
    if name is None:
        parts = sql.split("%s")
        if any("%" in part for part in parts):
            raise ValueError("the take statement holds a % that is not a placeholder")
        numbered = "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]
        name = f"dozvon_take_{next(_NAMES)}"
        raw.execute(f"PREPARE {name} AS {numbered}")
        names[sql] = name
    return name


@transaction.atomic
def order_release(*, order_id: int, actor, now: datetime) -> Order:
    """Give a claimed order back to its queue (the claimant, or a supervisor)."""
    order = lock_order(order_id=order_id, actor=actor, action=WORK)
    holder = order.claimed_by
    if holder is None or (holder.pk != actor.pk and not is_supervising(actor, order.project)):
        raise RuleViolations(
            [
                violation(
                    playbook_def(order.project.playbook).claim_rule,
                    "claimed_by",
                    "This order is not claimed by you.",
                )
            ]
        )
    order.claimed_by, order.claimed_at = None, None
    bump_version(order, now, ["claimed_by", "claimed_at"])
    record(
        Event.RELEASED,
        order=order,
        actor=actor,
        now=now,
        text=N_("Given back to the queue"),
        data={"held_by": holder.username},
    )
    return order


SNAPSHOT_EVERY = timedelta(minutes=5)


def queue_snapshot_record(*, project, now: datetime) -> QueueSnapshot | None:
    """Keep at most one snapshot of the tab counts per project every five minutes."""
    last = QueueSnapshot.objects.filter(project=project).order_by("-at").first()
    if last is not None and now - last.at < SNAPSHOT_EVERY:
        return None
    counts = {q.code: n for q, n in queue_counts(project=project, now=now)}
    return QueueSnapshot.objects.create(project=project, at=now, counts=counts)
