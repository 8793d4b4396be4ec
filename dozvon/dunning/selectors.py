"""DUN reads: the worklist (DUN-3) — its preset filters, the count of orders to process
today, a page of rows with the week of work, the bonus tier and units (DUN-1/2) — and the
order panel's facts. Access is the caller's (views check the project first).

The week of work counts from the order's `enter_worklist` trigger run (DUN-1), read for a
page's orders in one query; filters by week or tier are ranges of that run's `at`, found
through `trigger_run_since` (project, trigger, at). Pages read ids first on the list's
index, then only those rows (orders.selectors.page_of).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum

from dozvon.automation.models import TriggerRun
from dozvon.automation.selectors import messages_count
from dozvon.calls.models import CallAttempt, CallResult
from dozvon.core import clock
from dozvon.dunning import contact_rules
from dozvon.dunning import rules as dun
from dozvon.history.models import TimelineEntry, TimelineKind
from dozvon.orders import selectors as order_sel
from dozvon.orders.models import Order, OrderItem
from dozvon.playbooks.definition import PlaybookDef, QueueDef
from dozvon.playbooks.selectors import playbook_def

WORKLIST = "worklist"  # API.md round 2: the DUN queue's code
ENTER = "enter_worklist"  # the trigger whose run is the day the order entered (DUN-1)
EXHAUSTED = "exhausted"  # DUN-8's trigger: its `more_than` is the playbook's limit
PER_PAGE, MAX_PER_PAGE = 20, 100  # DUN-3
STATUS_ALL, GROUP = "all", "group:"
DUE_TODAY, DUE_ALL = "today", "all"
SCOPE_WORKLIST, SCOPE_ALL = "worklist", "all"
REACHED_YES, REACHED_NO = "yes", "no"


# --- the playbook's DUN data ------------------------------------------------------------------


def worklist_queue(pb: PlaybookDef) -> QueueDef | None:
    """The playbook's worklist (DUN-3), None for a playbook without one."""
    return next((q for q in pb.queues if q.code == WORKLIST), None)


def is_dunning(pb: PlaybookDef) -> bool:
    """A playbook that works unpaid orders: a worklist and bonus tiers (DUN-1…3)."""
    return worklist_queue(pb) is not None and bool(pb.settings.get("bonus"))


def bonus_tiers(pb: PlaybookDef) -> tuple[tuple[int, int], ...]:
    """DUN-2: (last week of the tier, %) from the playbook, the SPEC's by default."""
    tiers = (pb.settings.get("bonus") or {}).get("tiers") or dun.BONUS_TIERS
    return tuple((int(last), int(percent)) for last, percent in tiers)


def tier_weeks(pb: PlaybookDef) -> dict[int, tuple[int, int]]:
    """Each bonus % and its weeks of work, first to last (15: 1–3, 25: 4–6)."""
    out, first = {}, 1
    for last, percent in bonus_tiers(pb):
        out[percent] = (first, last)
        first = last + 1
    return out


def work_weeks(pb: PlaybookDef) -> int:
    return int((pb.settings.get("bonus") or {}).get("work_weeks") or dun.WORK_WEEKS)


def contacts_limit(pb: PlaybookDef) -> int:
    """DUN-8: more than this many emails + calls is exhausted (the trigger's `more_than`)."""
    trigger = next((t for t in pb.triggers if t.code == EXHAUSTED), None)
    limit = getattr(trigger, "more_than", None)
    return int(limit) if limit is not None else contact_rules.CONTACTS_LIMIT


def default_group(pb: PlaybookDef) -> str:
    """The status group of the preset filter: the initial status's (DUN: unpaid)."""
    return pb.initial_status.group


# --- the worklist's filters -------------------------------------------------------------------


@dataclass(frozen=True)
class WorklistFilter:
    """DUN-3's filters. Empty `status` is the preset (the initial status's group);
    `all` any status; `group:<code>` a group; else a status code. `scope` and `due` are
    the preset's "in the worklist" and "due today or earlier" unless `all`."""

    q: str = ""
    status: str = ""
    scope: str = SCOPE_WORKLIST
    due: str = DUE_TODAY
    week: int | None = None
    tier: int | None = None
    reached: str = ""
    per_page: int = PER_PAGE

    @property
    def is_preset(self) -> bool:
        """The preset filter (any page size): its count is the count to process today."""
        return self == WorklistFilter(per_page=self.per_page)

    @property
    def searches_everything(self) -> bool:
        """X-4: a search from the preset worklist finds the order wherever it is (paid,
        cancelled, postponed to next week, not in the worklist yet); choosing a filter
        narrows it again."""
        return bool(self.q) and replace(self, q="").is_preset

    def query(self, **changes) -> str:
        """The filter as a query string (pages keep it)."""
        values = {**asdict(self), **changes}
        defaults = asdict(WorklistFilter())
        kept = {k: v for k, v in values.items() if v not in ("", None) and v != defaults.get(k)}
        return urlencode(kept)


def _order_base(project) -> QuerySet[Order]:
    return Order.objects.filter(project=project)


def _local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz))


def end_of_today(now: datetime, tz: str) -> datetime:
    """The first moment of tomorrow in the project's time zone (due ≤ end of today)."""
    return _local_midnight(clock.local_date(now, tz) + timedelta(days=1), tz)


def _entered_in_weeks(project, first: int, last: int, now: datetime) -> Q:
    """Orders whose week of work (DUN-1) is `first`…`last` today: entered between the
    start of day `today - 7·last + 1` and the start of day `today - 7·(first - 1) + 1` —
    a range of `trigger_run_since` (project, trigger, at)."""
    tz = project.time_zone
    today = clock.local_date(now, tz)
    since = _local_midnight(today - timedelta(days=7 * last - 1), tz)
    until = _local_midnight(today - timedelta(days=7 * (first - 1) - 1), tz)
    runs = TriggerRun.objects.filter(project=project, trigger=ENTER, at__gte=since, at__lt=until)
    return Q(pk__in=runs.values("order_id"))


def _reached() -> Exists:
    """The customer was reached: an answered call on the order (DUN-7)."""
    return Exists(CallAttempt.objects.filter(order=OuterRef("pk"), result=CallResult.ANSWERED))


def worklist_orders(project, f: WorklistFilter, *, now: datetime) -> QuerySet[Order]:
    """The orders of the filter, newest first (DUN-3), unread."""
    pb = playbook_def(project.playbook)
    if f.searches_everything:
        f = replace(f, status=STATUS_ALL, scope=SCOPE_ALL, due=DUE_ALL)
    group, status = None, None
    if f.status.startswith(GROUP):
        group = f.status[len(GROUP) :]
    elif f.status != STATUS_ALL:
        status = f.status or None
        group = None if status else default_group(pb)
    # the order list's search (X-4: number, phone, name in any word order), newest first
    qs = order_sel.order_list(project=project, q=f.q or None, status=status, status_group=group)
    if f.scope != SCOPE_ALL:
        qs = qs.filter(bucket=WORKLIST)
    if f.due != DUE_ALL:
        # an order enters and comes back due at a moment (never without one): a range of
        # `order_queue` (project, bucket, due_at, id)
        qs = qs.filter(due_at__lt=end_of_today(now, project.time_zone))
    if f.week:
        qs = qs.filter(_entered_in_weeks(project, f.week, f.week, now))
    if f.tier and f.tier in tier_weeks(pb):
        qs = qs.filter(_entered_in_weeks(project, *tier_weeks(pb)[f.tier], now))
    if f.reached == REACHED_YES:
        qs = qs.filter(_reached())
    elif f.reached == REACHED_NO:
        qs = qs.exclude(_reached())
    return qs


def worklist_count_today(project, now: datetime) -> int:
    """DUN-3: the orders to process today — the preset filter: in the worklist, in the
    unpaid group, due by the end of today in the project's time zone."""
    return worklist_orders(project, WorklistFilter(), now=now).count()


def worklist_exhausted_count(project) -> int:
    """DUN-8: orders of the worklist with more than the limit of emails + call attempts."""
    limit = contacts_limit(playbook_def(project.playbook))
    return (
        _order_base(project)
        .filter(bucket=WORKLIST)
        .alias(contacts=F("calls_total") + messages_count(OuterRef("pk")))
        .filter(contacts__gt=limit)
        .count()
    )


# --- rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bonus:
    """DUN-1/2 for one order today: when it entered, its week, the week's %, the units."""

    entered_at: datetime | None
    week: int | None
    percent: int | None
    units: int | None
    allowed: tuple[int, ...]


def bonus_of(pb: PlaybookDef, entered_at: datetime | None, units: int, now, tz: str) -> Bonus:
    if entered_at is None:
        return Bonus(None, None, None, None, ())
    week = dun.work_week(clock.local_date(entered_at, tz), clock.local_date(now, tz))
    tiers = bonus_tiers(pb)
    percent = dun.bonus_percent(week, tiers)
    return Bonus(
        entered_at,
        week,
        percent,
        dun.bonus_units(units, percent) if percent is not None else None,
        tuple(dun.bonus_percents_allowed(week, tiers)),
    )


def _entered(order_ids: Sequence[int]) -> dict[int, datetime]:
    runs = TriggerRun.objects.filter(order_id__in=list(order_ids), trigger=ENTER)
    return dict(runs.values_list("order_id", "at"))


def _units(order_ids: Sequence[int]) -> dict[int, int]:
    rows = (
        OrderItem.objects.filter(order_id__in=list(order_ids))
        .order_by()
        .values("order_id")
        .annotate(n=Sum("quantity"))
        .values_list("order_id", "n")
    )
    return {order_id: n or 0 for order_id, n in rows}


@dataclass(frozen=True)
class WorklistRow:
    order: Order
    bonus: Bonus


def worklist_page(project, filters: WorklistFilter, page, per_page: int, now: datetime):
    """One page of the worklist (DUN-3): (Django's page, its rows with week, tier and
    units). Ids first on the list's index, then the rows, their runs and item units: a
    fixed number of statements whatever the page size."""
    pb = playbook_def(project.playbook)
    per_page = max(1, min(MAX_PER_PAGE, per_page))
    qs = worklist_orders(project, filters, now=now)
    found = order_sel.IdsFirstPaginator(qs, per_page).get_page(page)
    ids = [o.pk for o in found]
    entered, units = (_entered(ids), _units(ids)) if ids else ({}, {})
    rows = [
        WorklistRow(o, bonus_of(pb, entered.get(o.pk), units.get(o.pk, 0), now, project.time_zone))
        for o in found
    ]
    return found, rows


# --- one order (the card's panel) -------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """The card's DUN panel (DUN-2, DUN-4): the bonus today, the units at each tier's %,
    the emails and calls so far (DUN-8), the last operator comment."""

    bonus: Bonus
    units: int
    units_at: tuple[tuple[int, int], ...]  # (%, bonus units) for every tier
    emails: int
    calls: int
    exhausted: bool
    work_weeks: int


def order_week(order: Order, *, now: datetime) -> int | None:
    """DUN-1: the order's week of work today, None when it never entered the worklist."""
    entered = _entered([order.pk]).get(order.pk)
    if entered is None:
        return None
    tz = order.project.time_zone
    return dun.work_week(clock.local_date(entered, tz), clock.local_date(now, tz))


def order_panel(order: Order, *, now: datetime, items=None) -> Panel:
    """`items`: the order's items when the caller has read them already."""
    pb = playbook_def(order.project.playbook)
    if items is None:
        items = order.items.all()
    units = sum(i.quantity for i in items)
    entered = _entered([order.pk]).get(order.pk)
    emails = TimelineEntry.objects.filter(order=order, kind=TimelineKind.MESSAGE).count()
    limit = contacts_limit(pb)
    return Panel(
        bonus=bonus_of(pb, entered, units, now, order.project.time_zone),
        units=units,
        units_at=tuple((p, dun.bonus_units(units, p)) for _, p in bonus_tiers(pb)),
        emails=emails,
        calls=order.calls_total,
        exhausted=contact_rules.contacts_exhausted(
            emails=emails, calls=order.calls_total, more_than=limit
        ),
        work_weeks=work_weeks(pb),
    )
