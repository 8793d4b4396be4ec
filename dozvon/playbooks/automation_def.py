"""Effects and triggers as playbook data (issue 11, X-6 automatic actions, DUN-1/4/8).

An outcome may declare `effects` (what happens automatically once it is saved); a
playbook may declare `[[triggers]]` the worker runs: age (an order that waited N calendar
days, in the project's time zone, since it was created or since another trigger ran for
it) and count (more than N calls / failed calls / messages). Both use one closed set of
effect kinds. Parsed into frozen dataclasses with every problem reported at once, like
`definition`; the engine that applies them is `dozvon.automation.services`.

    [[triggers]]
    code = "enter_worklist"
    rule = "DUN-1"
    when = "age"                  # age | count
    since = "created"             # created | trigger:<code>
    after_days = 7                # or after_weeks
    status = ["pending"]          # filters: status, bucket ("" = in no queue), payment_method
    effects = [{ effect = "route", bucket = "worklist" }]

Pure: no ORM, no clock; `now` and the time zone are parameters.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# Effect kind → the keys it takes (besides `effect`).
EFFECT_KEYS: dict[str, frozenset[str]] = {
    "send_message": frozenset({"template"}),  # X-9; a placeholder until messages land
    "set_due": frozenset({"days", "hours"}),  # due again in N days or hours
    "route": frozenset({"bucket"}),  # enter a queue bucket; "" leaves the queue
    "set_status": frozenset({"status"}),
    "cancel": frozenset({"status"}),  # a status, and out of the queue (DUN-4)
    "mark": frozenset({"flag"}),  # a flag on the order, e.g. proof_requested (DUN-5)
}
WHEN = frozenset({"age", "count"})
COUNTS = frozenset({"calls", "failed_calls", "messages"})
FILTERS = ("status", "bucket", "payment_method")
TRIGGER_KEYS = frozenset(
    {"code", "rule", "when", "enabled", "effects", "since", "after_days", "after_weeks"}
    | {"count", "more_than", "catch_up_days", *FILTERS}
)
SINCE_CREATED = "created"
SINCE_TRIGGER = "trigger:"
# An age trigger looks this many days past its threshold, no further: a worker that was
# down catches up, a trigger added today does not sweep the project's whole history, and
# the query reads a bounded range of an index.
CATCH_UP_DAYS = 14
ONCE = "once"  # the occurrence key of a trigger that runs once per order
AFTER = "after:"  # … of one that runs once per run of the trigger it follows
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class EffectDef:
    kind: str
    template: str = ""
    days: int | None = None
    hours: float | None = None
    bucket: str = ""
    status: str = ""
    flag: str = ""

    @property
    def delay(self) -> timedelta:
        return timedelta(days=self.days or 0, hours=self.hours or 0)

    def as_dict(self) -> dict[str, Any]:
        keys = EFFECT_KEYS.get(self.kind, frozenset())
        values = {k: getattr(self, k) for k in sorted(keys) if getattr(self, k) is not None}
        if self.kind == "set_due":
            values = {k: v for k, v in values.items() if v}
        return {"effect": self.kind, **values}


@dataclass(frozen=True)
class TriggerDef:
    code: str
    rule: str
    when: str
    effects: tuple[EffectDef, ...]
    enabled: bool = True
    status: tuple[str, ...] = ()
    bucket: tuple[str, ...] = ()
    payment_method: tuple[str, ...] = ()
    since: str = SINCE_CREATED
    after_days: int = 0
    count: tuple[str, ...] = ()
    more_than: int = 0
    catch_up_days: int = CATCH_UP_DAYS

    @property
    def since_trigger(self) -> str:
        """The trigger whose run this one counts from; "" when it counts from creation."""
        return self.since.removeprefix(SINCE_TRIGGER) if self.since != SINCE_CREATED else ""

    def matches(self, *, status: str, bucket: str, payment_method: str) -> bool:
        """Whether an order in this state is one the trigger is for (its filters)."""
        return (
            (not self.status or status in self.status)
            and (not self.bucket or bucket in self.bucket)
            and (not self.payment_method or payment_method in self.payment_method)
        )

    def counted(self, counts: Mapping[str, int]) -> int:
        """A count trigger's number: the sum of what it counts (DUN-8 emails + calls)."""
        return sum(int(counts.get(name, 0)) for name in self.count)


def day_start(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz))


def age_window(trigger: TriggerDef, *, now: datetime, tz: str) -> tuple[datetime, datetime]:
    """[since, until) of the moments an age trigger is due for at `now`: those on a local
    calendar day at least `after_days` before today (DUN-1: created on the 1st at 23:50,
    due from the 8th at 00:00, project time zone), at most `catch_up_days` further back."""
    today = now.astimezone(ZoneInfo(tz)).date()
    last_day = today - timedelta(days=trigger.after_days)
    return (
        day_start(last_day - timedelta(days=trigger.catch_up_days), tz),
        day_start(last_day + timedelta(days=1), tz),
    )


def waited(trigger: TriggerDef, moment: datetime, *, now: datetime, tz: str) -> bool:
    return moment < age_window(trigger, now=now, tz=tz)[1]


# --- parsing ------------------------------------------------------------------------------


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _codes(raw: Any) -> tuple[str, ...] | None:
    """A filter: one code or a list of codes; None when it is neither."""
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return tuple(raw)
    return None


def parse_effects(
    raw: Any,
    where: str,
    *,
    statuses: Collection[str],
    buckets: Collection[str],
    problems: list[str],
) -> tuple[EffectDef, ...]:
    """An `effects` list, validated against the playbook's statuses and queue buckets."""
    if not isinstance(raw, list):
        problems.append(f"{where}: effects must be a list of tables")
        return ()
    effects = []
    for e in raw:
        kind = e.get("effect", "") if isinstance(e, Mapping) else ""
        if kind not in EFFECT_KEYS:
            problems.append(f"{where}: unknown effect {kind!r}, one of {sorted(EFFECT_KEYS)}")
            continue
        params = {k: v for k, v in e.items() if k != "effect"}
        unknown = sorted(set(params) - EFFECT_KEYS[kind])
        if unknown:
            problems.append(f"{where}: effect {kind} has no parameter(s) {unknown}")
            continue
        bad = _effect_problem(kind, params, statuses=statuses, buckets=buckets)
        if bad:
            problems.append(f"{where}: effect {kind} {bad}")
            continue
        effects.append(EffectDef(kind=kind, **params))
    return tuple(effects)


def _effect_problem(kind: str, p: Mapping[str, Any], *, statuses, buckets) -> str:
    if kind == "send_message" and not (isinstance(p.get("template"), str) and p["template"]):
        return "needs a template"
    if kind == "set_due":
        days, hours = p.get("days"), p.get("hours")
        if (days is None) == (hours is None):
            return "needs days or hours (one of them)"
        if days is not None and not _positive_int(days):
            return "days must be a whole number above 0"
        if hours is not None and (
            isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0
        ):
            return "hours must be a number above 0"
    if kind == "route":
        bucket = p.get("bucket")
        if not isinstance(bucket, str):
            return 'needs a bucket ("" leaves the queue)'
        if bucket and bucket not in buckets:
            return f"names bucket {bucket!r} no queue holds"
    if kind in {"set_status", "cancel"} and p.get("status") not in statuses:
        return f"names unknown status {p.get('status')!r}"
    if kind == "mark" and not (isinstance(p.get("flag"), str) and _CODE.match(p["flag"])):
        return "needs a flag in lower case (e.g. proof_requested)"
    return ""


def parse_triggers(
    raw: Any,
    *,
    statuses: Collection[str],
    buckets: Collection[str],
    payment_methods: Collection[str],
    problems: list[str],
) -> tuple[TriggerDef, ...]:
    """The playbook's `[[triggers]]`; every problem of every trigger reported at once."""
    if not isinstance(raw, list):
        problems.append("triggers must be a list of tables")
        return ()
    known = {
        t.get("code") for t in raw if isinstance(t, Mapping) and isinstance(t.get("code"), str)
    }
    triggers: list[TriggerDef] = []
    for t in raw:
        if not isinstance(t, Mapping):
            problems.append("triggers must be a list of tables")
            continue
        trigger = _parse_trigger(t, statuses, buckets, payment_methods, known, problems)
        if trigger is not None:
            if any(other.code == trigger.code for other in triggers):
                problems.append(f"trigger {trigger.code}: code used twice")
            triggers.append(trigger)
    return tuple(triggers)


def _parse_trigger(t, statuses, buckets, methods, known, problems) -> TriggerDef | None:
    code = t.get("code", "")
    where = f"trigger {code or '?'}"
    before = len(problems)
    if not isinstance(code, str) or not _CODE.match(code):
        problems.append(f"{where}: code must be lower case letters, digits and _")
    if not t.get("rule"):
        problems.append(f"{where}: rule (SPEC ID) is missing")
    unknown = sorted(set(t) - TRIGGER_KEYS)
    if unknown:
        problems.append(f"{where}: unknown keys {unknown}")
    when = t.get("when")
    if when not in WHEN:
        problems.append(f"{where}: when must be one of {sorted(WHEN)}")
    if not isinstance(t.get("enabled", True), bool):
        problems.append(f"{where}: enabled must be true or false")
    filters: dict[str, tuple[str, ...]] = {}
    allowed = {"status": statuses, "bucket": {"", *buckets}, "payment_method": methods}
    for name in FILTERS:
        values = _codes(t.get(name, []))
        if values is None:
            problems.append(f"{where}: {name} must be a code or a list of codes")
            continue
        for value in values:
            if value not in allowed[name]:
                problems.append(f"{where}: unknown {name} {value!r}")
        filters[name] = values
    after_days, count, more_than = 0, (), 0
    since = t.get("since", SINCE_CREATED)
    if when == "age":
        after_days = _parse_age(t, where, since, code, known, problems)
    if when == "count":
        count, more_than = _parse_count(t, where, filters, problems)
    catch_up = t.get("catch_up_days", CATCH_UP_DAYS)
    if not _positive_int(catch_up):
        problems.append(f"{where}: catch_up_days must be a whole number above 0")
    if not t.get("effects"):
        problems.append(f"{where}: effects are missing")
    effects = parse_effects(
        t.get("effects", []), where, statuses=statuses, buckets=buckets, problems=problems
    )
    if len(problems) > before:
        return None
    return TriggerDef(
        code=code,
        rule=str(t["rule"]),
        when=when,
        effects=effects,
        enabled=t.get("enabled", True),
        since=since,
        after_days=after_days,
        count=count,
        more_than=more_than,
        catch_up_days=catch_up,
        **filters,
    )


def _parse_age(t, where, since, code, known, problems) -> int:
    if ("after_days" in t) == ("after_weeks" in t):
        problems.append(f"{where}: an age trigger needs after_days or after_weeks (one)")
        return 0
    key = "after_days" if "after_days" in t else "after_weeks"
    if not _positive_int(t[key]):
        problems.append(f"{where}: {key} must be a whole number above 0")
        return 0
    text = since if isinstance(since, str) else ""
    source = text.removeprefix(SINCE_TRIGGER)
    if text != SINCE_CREATED and (
        not text.startswith(SINCE_TRIGGER) or source not in known or source == code
    ):
        problems.append(f"{where}: since must be 'created' or 'trigger:<another trigger>'")
    for key_ in ("count", "more_than"):
        if key_ in t:
            problems.append(f"{where}: {key_} is for count triggers")
    return t[key] * (7 if key == "after_weeks" else 1)


def _parse_count(t, where, filters, problems) -> tuple[tuple[str, ...], int]:
    count = _codes(t.get("count", []))
    if not count or any(c not in COUNTS for c in count):
        problems.append(f"{where}: count must list some of {sorted(COUNTS)}")
        count = ()
    more_than = t.get("more_than")
    if not isinstance(more_than, int) or isinstance(more_than, bool) or more_than < 0:
        problems.append(f"{where}: more_than must be a whole number, 0 or above")
        more_than = 0
    for key in ("since", "after_days", "after_weeks"):
        if key in t:
            problems.append(f"{where}: {key} is for age triggers")
    # the query starts from the orders of a status or a queue bucket (an index), never
    # from every order of the project
    if not (filters.get("status") or filters.get("bucket")):
        problems.append(f"{where}: a count trigger needs a status or bucket filter")
    return count, more_than
