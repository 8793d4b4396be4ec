"""Reads of DUN payments: an order's payments, the work that came before a payment
(DUN-9 attribution) and the KPI "payments after calls" per day and operator (DUN-9,
X-11), which the reports module renders.

"Worked" (SPEC DUN-9 Decisions: call, email, postponement) is read from two places, the
same for the attribution of one payment and for the KPI of a day:
- call attempts on the order, by their operator at their start time (X-8);
- the audit rows (X-12) of a result saved on the order (a postponement, a cancellation,
  "unreachable" …) and of an email queued on it, by the person who did it. Emails queued
  by the system (a trigger) have no actor and are nobody's work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum, TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, TruncDate

from dozvon.audit.models import AuditEntry
from dozvon.calls.models import CallAttempt
from dozvon.core.errors import Forbidden, NotFound
from dozvon.core.money import money
from dozvon.orders.models import Order
from dozvon.orders.services.events import Event
from dozvon.payments.models import Payment, WorkKind
from dozvon.payments.rules import CONFIRM_OUTCOME, WorkFact, paid_share
from dozvon.projects.access import PAYMENTS, READ, ensure_can

# audit actions that are an operator's work on an order, and what kind of work
WORK_ACTIONS: dict[str, str] = {
    Event.OUTCOME.value: WorkKind.OUTCOME,
    Event.MESSAGE_QUEUED.value: WorkKind.EMAIL,
}


def _work_audits(qs: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """The audit rows that are work: a result saved or an email queued by a person — but
    not a supervisor's confirmation of the payment itself (the `paid` outcome: it closes
    the work, it is nobody's work towards the payment)."""
    return (
        qs.filter(action__in=list(WORK_ACTIONS), actor__isnull=False)
        .alias(outcome=Coalesce(KT("changes__outcome"), Value(""), output_field=TextField()))
        .exclude(Q(action=Event.OUTCOME.value) & Q(outcome=CONFIRM_OUTCOME))
    )


# --- one order ----------------------------------------------------------------------------


def order_for_payments(*, order_id: int, actor) -> Order:
    """The order whose payments `actor` may read: whoever reads the order (X-2) or a
    token with the `payments` scope (X-13). NotFound outside the caller's projects."""
    order = Order.objects.select_related("project").filter(pk=order_id).first()
    if order is None:
        raise NotFound()
    try:
        ensure_can(actor, order.project, READ)
    except Forbidden:
        ensure_can(actor, order.project, PAYMENTS)
    return order


def order_payments(order: Order) -> QuerySet[Payment]:
    return Payment.objects.filter(order=order).select_related("attributed_to").order_by("id")


def work_before(order: Order, *, before: datetime) -> list[WorkFact]:
    """DUN-9: the people's work on the order before `before`, in the order it happened
    (two statements on the `call_order_started` and `audit_target` indexes)."""
    calls = (
        CallAttempt.objects.filter(order=order, operator__isnull=False, started_at__lt=before)
        .order_by("started_at", "id")
        .values_list("started_at", "operator_id")
    )
    audits = (
        _work_audits(
            AuditEntry.objects.filter(target_type="order", target_id=str(order.pk), at__lt=before)
        )
        .order_by("at", "id")
        .values_list("at", "actor_id", "action")
    )
    works = [WorkFact(at, who, WorkKind.CALL) for at, who in calls]
    works += [WorkFact(at, who, WORK_ACTIONS[action]) for at, who, action in audits]
    return sorted(works, key=lambda w: w.at)  # stable: a call before a result of its moment


# --- DUN-9 KPI ----------------------------------------------------------------------------


def _bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the project's time zone."""
    return (
        datetime.combine(start, time(0), tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz),
    )


def kpi_queries(project, *, start: date, end: date) -> dict[str, QuerySet]:
    """The three reads of the KPI over [start, end] (project time zone): `payments`
    attributed, by day and operator (a range of `payment_project_paid`); `calls` and
    `audits`, the distinct (day, person, order) of the work done (through the project's
    index of each table; a (project, time) index on each would make them ranges too)."""
    tz = ZoneInfo(project.time_zone)
    lo, hi = _bounds(start, end, tz)
    payments = (
        Payment.objects.filter(
            project=project, paid_at__gte=lo, paid_at__lt=hi, attributed_to__isnull=False
        )
        .annotate(day=TruncDate("paid_at", tzinfo=tz))
        .values("day", "attributed_to")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by()
    )
    calls = (
        CallAttempt.objects.filter(
            project=project,
            order__isnull=False,
            operator__isnull=False,
            started_at__gte=lo,
            started_at__lt=hi,
        )
        .annotate(day=TruncDate("started_at", tzinfo=tz))
        .values_list("day", "operator_id", "order_id")
        .order_by()
        .distinct()
    )
    audits = (
        _work_audits(
            AuditEntry.objects.filter(project=project, target_type="order", at__gte=lo, at__lt=hi)
        )
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values_list("day", "actor_id", "target_id")
        .order_by()
        .distinct()
    )
    return {"payments": payments, "calls": calls, "audits": audits}


def _people(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """{user id: (username, full name or username)}."""
    out = {}
    for pk, username, first, last in (
        get_user_model()
        .objects.filter(pk__in=set(ids))
        .values_list("pk", "username", "first_name", "last_name")
    ):
        out[pk] = (username, f"{first} {last}".strip() or username)
    return out


def payments_after_calls(project, *, start: date, end: date) -> list[dict[str, Any]]:
    """DUN-9 KPI: one row per (day in the project's time zone, operator) with payments
    attributed to the operator that day or orders the operator worked that day; `start`
    and `end` inclusive. Keys: day, operator (username), operator_name, payments (int),
    amount (Decimal), worked_orders (distinct orders worked that day: calls, results,
    emails), share (payments / worked_orders, 0…1, 0 when none were worked). Ordered by
    day, then operator.

    Four statements: the three of `kpi_queries` and the people's names."""
    queries = kpi_queries(project, start=start, end=end)
    payments = {(r["day"], r["attributed_to"]): (r["n"], r["total"]) for r in queries["payments"]}
    worked: dict[tuple, set[int]] = defaultdict(set)
    for day, who, order_id in queries["calls"]:
        worked[(day, who)].add(order_id)
    for day, who, order_id in queries["audits"]:
        worked[(day, who)].add(int(order_id))
    keys = set(payments) | set(worked)
    people = _people(who for _, who in keys)
    rows = []
    for day, who in keys:
        n, total = payments.get((day, who), (0, Decimal(0)))
        orders = len(worked.get((day, who), ()))
        username, name = people.get(who, (str(who), str(who)))
        rows.append(
            {
                "day": day,
                "operator": username,
                "operator_name": name,
                "payments": n,
                "amount": money(total or 0),
                "worked_orders": orders,
                "share": paid_share(n, orders),
            }
        )
    rows.sort(key=lambda r: (r["day"], r["operator"]))
    return rows


def payments_after_calls_totals(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of `payments_after_calls` summed per operator over the range, ordered by
    operator: payments, amount, worked_orders (order-days: an order worked on two days
    counts twice, as the daily rows do) and share (payments / worked_orders, 0…1)."""
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        total = totals.setdefault(
            row["operator"],
            {
                "operator": row["operator"],
                "operator_name": row["operator_name"],
                "payments": 0,
                "amount": money(0),
                "worked_orders": 0,
            },
        )
        total["payments"] += row["payments"]
        total["amount"] = money(total["amount"] + row["amount"])
        total["worked_orders"] += row["worked_orders"]
    out = []
    for username in sorted(totals):
        total = totals[username]
        total["share"] = paid_share(total["payments"], total["worked_orders"])
        out.append(total)
    return out
