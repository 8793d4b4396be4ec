"""A playbook file parsed into frozen dataclasses, and the pure engine over it.

No ORM here: the service layer loads facts, calls `evaluate` and `route`, and writes.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from dozvon.playbooks import rules as R
from dozvon.playbooks.automation_def import EffectDef, TriggerDef, parse_effects, parse_triggers
from dozvon.playbooks.fields import OUTCOME_ORDER_FIELDS, outcome_field_names

LANGS = ("ru", "uk", "en")

# Order fields an outcome may carry and write (SHOP-1…3, SHOP-7), declared in playbooks.fields.
ORDER_FIELDS = OUTCOME_ORDER_FIELDS
TAKE_ORDERS = frozenset({"oldest_first", "list"})
# A tab's arrival days (`created`) as [since, until) in days before today's local date,
# None for open; "any" has no bounds. created_day below names a day the same way.
CREATED_DAYS: dict[str, tuple[int | None, int | None]] = {
    "today": (0, None),
    "yesterday": (1, 0),
    "day_before": (2, 1),
    "earlier": (None, 2),
}
CREATED = frozenset({"any", *CREATED_DAYS})
ROLES = frozenset({"operator", "supervisor", "delivery"})


def __getattr__(name: str) -> Any:
    """`OUTCOME_FIELDS`: every field an outcome of any playbook may require, forbid or
    offer — read when asked for, as plug-ins add their results' inputs in their `ready()`
    (`playbooks.fields.register_outcome_field`), after this module was imported. A playbook
    file may cite the engine's fields and its own plug-in's (`outcome_field_names`)."""
    if name == "OUTCOME_FIELDS":
        return outcome_field_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# the order card's own tools a playbook may turn on (`settings.card_tools`)
CARD_TOOLS = frozenset({"add_item", "delivery_options"})


class PlaybookError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Names:
    ru: str
    uk: str
    en: str

    def get(self, lang: str | None) -> str:
        return getattr(self, (lang or "ru")[:2], None) or self.ru

    def as_dict(self) -> dict[str, str]:
        return {"ru": self.ru, "uk": self.uk, "en": self.en}


@dataclass(frozen=True)
class Check:
    name: str
    rule: str
    params: Mapping[str, Any] = field(default_factory=dict)
    when_problem: tuple[str, ...] = ()
    when_conversation: bool | None = None

    def applies(self, ctx: R.OutcomeContext) -> bool:
        if self.when_problem and ctx.problem not in self.when_problem:
            return False
        return self.when_conversation is None or self.when_conversation == ctx.had_conversation

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"check": self.name, "rule": self.rule, **self.params}
        if self.when_problem:
            data["when_problem"] = list(self.when_problem)
        if self.when_conversation is not None:
            data["when_conversation"] = self.when_conversation
        return data


@dataclass(frozen=True)
class Route:
    """Where an outcome sends the order: a queue bucket and when it is due again."""

    bucket: str = ""
    due: str = "none"  # none | now | callback_at
    after_minutes: int = 0
    min_failed_calls: int | None = None
    max_failed_calls: int | None = None
    callback_in_hours: float | None = None
    within_today: bool = False
    callback_default_days: int | None = None

    def matches(self, failed_calls: int) -> bool:
        if self.min_failed_calls is not None and failed_calls < self.min_failed_calls:
            return False
        return self.max_failed_calls is None or failed_calls <= self.max_failed_calls


@dataclass(frozen=True)
class OutcomeDef:
    code: str
    names: Names
    rule: str
    status: str
    requires: tuple[str, ...] = ()
    forbids: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    routes: tuple[Route, ...] = ()
    roles: tuple[str, ...] = ("operator", "supervisor")
    effects: tuple[EffectDef, ...] = ()  # applied once the outcome is saved (automation_def)


@dataclass(frozen=True)
class StatusDef:
    code: str
    group: str
    names: Names
    initial: bool = False
    final: bool = False  # closed: no result or edit until a supervisor reopens the order


@dataclass(frozen=True)
class QueueDef:
    code: str
    names: Names
    bucket: str
    callable: bool = True
    take: str = "list"
    created: str = "any"
    min_failed_calls: int | None = None
    max_failed_calls: int | None = None
    unassigned_only: bool = False
    roles: tuple[str, ...] = ("operator", "supervisor")
    rule: str = "X-7"  # the rule a refusal about this tab cites (COD-6: listed, not called)


@dataclass(frozen=True)
class PlaybookDef:
    code: str
    version: int
    names: Names
    groups: Mapping[str, Names]
    statuses: Mapping[str, StatusDef]
    problems: Mapping[str, Names]
    outcomes: Mapping[str, OutcomeDef]
    queues: tuple[QueueDef, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)
    triggers: tuple[TriggerDef, ...] = ()  # run by the worker (automation_def)
    # the app label of the plug-in that supplies this playbook's own parts (its card
    # panels, reports, checks…: dozvon.core.plugins); "" for a playbook the engine runs
    plugin: str = ""

    def form_fields(self, outcome: OutcomeDef) -> tuple[str, ...]:
        """The fields the operator fills for this outcome: problem (when it has problems),
        what it requires, what it offers, and always a comment (X-6)."""
        wanted = (["problem"] if outcome.problems else []) + list(outcome.requires)
        wanted += list(outcome.optional) + ["comment"]
        return tuple(dict.fromkeys(f for f in wanted if f not in outcome.forbids))

    @property
    def initial_status(self) -> StatusDef:
        return next(s for s in self.statuses.values() if s.initial)

    @property
    def intake_bucket(self) -> str:
        """The queue a new order waits in (playbook data, `settings.intake_bucket`)."""
        bucket = self.settings.get("intake_bucket", "new")
        return bucket if any(q.bucket == bucket for q in self.queues) else ""

    @property
    def reopen_bucket(self) -> str:
        """The queue a reopened order (X-7) waits in: the intake queue, or — for a playbook
        whose orders enter their queue later (DUN-1: the worklist after 7 days, once) —
        its first queue that hands orders out, so a reopened order is worked again."""
        if self.intake_bucket:
            return self.intake_bucket
        return next((q.bucket for q in self.queues if q.callable and q.bucket), "")

    @property
    def payment_methods(self) -> tuple[str, ...]:
        """X-5/SHOP-7: the payment methods this playbook's orders may carry."""
        return tuple(self.settings.get("payment", {}).get("methods", ()))

    @property
    def payment_rule(self) -> str:
        return str(self.settings.get("payment", {}).get("rule", "X-5"))

    @property
    def claim_rule(self) -> str:
        """The rule of exclusive claims (COD-9 in the shipped playbooks)."""
        return str(self.settings.get("claim_rule", "COD-9"))

    @property
    def card_tools(self) -> frozenset[str]:
        """The order card's own tools this playbook's operators use (`settings.card_tools`):
        `add_item` (COD-11), `delivery_options` (COD-13). None declared: none shown (a DUN
        or PICK card has no goods to add and no delivery to pick)."""
        return frozenset(self.settings.get("card_tools", ()))

    @property
    def discount_rule(self) -> str:
        """The rule that caps an item's discount at the product's maximum."""
        return str(self.settings.get("discount_rule", "X-5"))


# --- parsing ------------------------------------------------------------------------------


def _names(raw: Any, where: str, problems: list[str]) -> Names:
    if not isinstance(raw, Mapping) or any(not raw.get(lang) for lang in LANGS):
        problems.append(f"{where}: name needs ru, uk and en")
        return Names("?", "?", "?")
    return Names(str(raw["ru"]), str(raw["uk"]), str(raw["en"]))


def parse_playbook(data: Mapping[str, Any]) -> PlaybookDef:
    """Validate a playbook file's data; every problem is reported at once."""
    problems: list[str] = []
    code = str(data.get("code", ""))
    if not code:
        problems.append("code is missing")
    groups = {
        g["code"]: _names(g.get("name"), f"group {g.get('code')}", problems)
        for g in data.get("groups", [])
    }
    final_groups = {g["code"] for g in data.get("groups", []) if g.get("final")}
    statuses: dict[str, StatusDef] = {}
    for s in data.get("statuses", []):
        if s.get("group") not in groups:
            problems.append(f"status {s.get('code')}: unknown group {s.get('group')!r}")
        statuses[s["code"]] = StatusDef(
            code=s["code"],
            group=s.get("group", ""),
            names=_names(s.get("name"), f"status {s['code']}", problems),
            initial=bool(s.get("initial", False)),
            final=bool(s.get("final", False)) or s.get("group") in final_groups,
        )
    if sum(1 for s in statuses.values() if s.initial) != 1:
        problems.append("exactly one status must be initial")
    problem_names = {
        p["code"]: _names(p.get("name"), f"problem {p.get('code')}", problems)
        for p in data.get("problems", [])
    }
    queues = tuple(_parse_queue(q, problems) for q in data.get("queues", []))
    buckets = {q.bucket for q in queues}
    outcomes: dict[str, OutcomeDef] = {}
    # the fields its outcomes may cite: the engine's and its own plug-in's (issue 26)
    known_fields = outcome_field_names(str(data.get("plugin", "")))
    for o in data.get("outcomes", []):
        outcome = _parse_outcome(o, problems, known_fields)
        if outcome.status not in statuses:
            problems.append(f"outcome {outcome.code}: unknown status {outcome.status!r}")
        for p in outcome.problems:
            if p not in problem_names:
                problems.append(f"outcome {outcome.code}: unknown problem {p!r}")
        for r in outcome.routes:
            if r.bucket and r.bucket not in buckets:
                problems.append(f"outcome {outcome.code}: no queue holds bucket {r.bucket!r}")
        effects = parse_effects(
            o.get("effects", []),
            f"outcome {outcome.code}",
            statuses=statuses,
            buckets=buckets,
            problems=problems,
        )
        outcomes[outcome.code] = replace(outcome, effects=effects)
    names = _names(data.get("name"), "playbook", problems)
    settings = dict(data.get("settings", {}))
    failed_call = settings.get("failed_call_outcome")
    if failed_call is not None and failed_call not in outcomes:
        problems.append(f"settings.failed_call_outcome: unknown outcome {failed_call!r}")
    intake = settings.get("intake") or {}
    if intake:
        if intake.get("status") not in statuses:
            problems.append(f"settings.intake.status: unknown status {intake.get('status')!r}")
        for key in ("invalid_phone_problem", "obscene_name_problem", "duplicate_problem"):
            if key in intake and intake[key] not in problem_names:
                problems.append(f"settings.intake.{key}: unknown problem {intake[key]!r}")
    tools = settings.get("card_tools", [])
    if not isinstance(tools, list) or set(tools) - CARD_TOOLS:
        problems.append(f"settings.card_tools: a list of {sorted(CARD_TOOLS)}")
    payment = settings.get("payment", {})
    methods = payment.get("methods", [])
    if not isinstance(methods, list) or not all(isinstance(m, str) and m for m in methods):
        problems.append("settings.payment.methods: a list of codes")
    triggers = parse_triggers(
        data.get("triggers", []),
        statuses=statuses,
        buckets=buckets,
        payment_methods=methods if isinstance(methods, list) else (),
        problems=problems,
    )
    if problems:
        raise PlaybookError(problems)
    return PlaybookDef(
        code=code,
        version=int(data.get("version", 1)),
        names=names,
        groups=groups,
        statuses=statuses,
        problems=problem_names,
        outcomes=outcomes,
        queues=queues,
        settings=settings,
        triggers=triggers,
        plugin=str(data.get("plugin", "")),
    )


def _parse_queue(q: Mapping[str, Any], problems: list[str]) -> QueueDef:
    queue = QueueDef(
        code=q["code"],
        names=_names(q.get("name"), f"queue {q.get('code')}", problems),
        bucket=q.get("bucket", ""),
        callable=bool(q.get("callable", True)),
        take=q.get("take", "list"),
        created=q.get("created", "any"),
        min_failed_calls=q.get("min_failed_calls"),
        max_failed_calls=q.get("max_failed_calls"),
        unassigned_only=bool(q.get("unassigned_only", False)),
        roles=tuple(q.get("roles", ("operator", "supervisor"))),
        rule=str(q.get("rule", "X-7")),
    )
    for role in queue.roles:
        if role not in ROLES:
            problems.append(f"queue {queue.code}: unknown role {role!r}")
    if queue.take not in TAKE_ORDERS:
        problems.append(f"queue {queue.code}: take must be one of {sorted(TAKE_ORDERS)}")
    if queue.created not in CREATED:
        problems.append(f"queue {queue.code}: created must be one of {sorted(CREATED)}")
    if not queue.bucket:
        problems.append(f"queue {queue.code}: bucket is missing")
    return queue


def _parse_outcome(
    o: Mapping[str, Any], problems: list[str], known_fields: frozenset[str]
) -> OutcomeDef:
    code = o.get("code", "?")
    rule_id = o.get("rule", "")
    if not rule_id:
        problems.append(f"outcome {code}: rule (SPEC ID) is missing")
    for key in ("requires", "forbids", "optional"):
        for name in o.get(key, []):
            if name not in known_fields:
                problems.append(f"outcome {code}: unknown field {name!r} in {key}")
    checks = []
    for c in o.get("checks", []):
        params = {
            k: v
            for k, v in c.items()
            if k not in {"check", "rule", "when_problem", "when_conversation"}
        }
        name = c.get("check", "")
        if name not in R.REGISTRY:
            problems.append(f"outcome {code}: unknown check {name!r}")
        else:
            signature = inspect.signature(R.REGISTRY[name]).parameters
            accepted = set(signature) - {"ctx", "rule_id"}
            for param in sorted(set(params) - accepted):
                problems.append(f"outcome {code}: check {name} has no parameter {param!r}")
            # a check's numbers are declared once, in the file: one it needs is required
            required = {
                n
                for n, p in signature.items()
                if p.default is p.empty and p.kind is p.KEYWORD_ONLY and n != "rule_id"
            }
            for param in sorted(required - set(params)):
                problems.append(f"outcome {code}: check {name} needs the parameter {param!r}")
        checks.append(
            Check(
                name=name,
                rule=c.get("rule", rule_id),
                params=params,
                when_problem=tuple(c.get("when_problem", ())),
                when_conversation=c.get("when_conversation"),
            )
        )
    route_keys = {f.name for f in fields(Route)}
    routes = []
    for r in o.get("routes", []):
        unknown = sorted(set(r) - route_keys)
        if unknown:
            problems.append(f"outcome {code}: unknown route keys {unknown}")
        else:
            routes.append(Route(**r))
    roles = tuple(o.get("roles", ("operator", "supervisor")))
    for role in roles:
        if role not in ROLES:
            problems.append(f"outcome {code}: unknown role {role!r}")
    return OutcomeDef(
        code=code,
        names=_names(o.get("name"), f"outcome {code}", problems),
        rule=rule_id,
        status=o.get("status", ""),
        requires=tuple(o.get("requires", ())),
        forbids=tuple(o.get("forbids", ())),
        problems=tuple(o.get("problems", ())),
        optional=tuple(o.get("optional", ())),
        checks=tuple(checks),
        routes=tuple(routes),
        roles=roles,
    )
