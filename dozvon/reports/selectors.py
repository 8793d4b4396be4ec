"""The reports every playbook has (X-11): `operators`, `outcomes`, `funnel`; registered in
the registry when this module is imported. Numbers from `sources` (summaries or raw
rows), arithmetic from `rules`, names from the playbook in the reader's language."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import get_language
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from dozvon.catalog.models import Product
from dozvon.playbooks.definition import PlaybookDef
from dozvon.playbooks.selectors import playbook_def
from dozvon.reports import rules, sources
from dozvon.reports.registry import (
    DECIMAL,
    DURATION,
    INT,
    PERCENT,
    TEXT,
    Column,
    Report,
    register,
)
from dozvon.reports.rules import DAY, HOUR, KEYS, OPERATOR, OPERATOR_DAY, TOTAL

# --- playbook facts ---------------------------------------------------------------------------


def approval_groups(pb: PlaybookDef) -> rules.ApprovalGroups:
    """The approval groups this playbook's data implies (rules.approval_groups)."""
    intake = pb.settings.get("intake") or {}
    return rules.approval_groups(
        statuses=[rules.StatusFact(s.code, s.group, s.final) for s in pb.statuses.values()],
        outcomes=[
            rules.OutcomeFact(
                o.code,
                o.status,
                "callback_at" in (*o.requires, *o.optional),
                "operator" in o.roles,
            )
            for o in pb.outcomes.values()
        ],
        trash=[intake["status"]] if intake.get("status") else [],
    )


def has_gifts(project) -> bool:
    """The project sells gifts: a product may be discounted by 100 % (X-5, COD-11)."""
    return Product.objects.filter(project=project, max_discount_percent__gte=100).exists()


def works_inbound(pb: PlaybookDef) -> bool:
    """The playbook's operators record inbound contacts (interactions): it declares the
    subscriptions (SUB) or offers (NBO) line of work in its settings."""
    return any(pb.settings.get(kind) for kind in ("subscriptions", "offers"))


def approval_applies(pb: PlaybookDef) -> bool:
    """The approval figures (COD's confirmations: approval rate, average check, upsells)
    mean something: operators can close an order as a success, and their work is calling
    orders — not inbound contacts, whose own report says how they went (SUB-6, NBO-5)."""
    return approval_groups(pb).usable and not works_inbound(pb)


def operator_names(ids: Iterable[int]) -> dict[int, str]:
    """Operators by full name (the login when no name is set); 0 is nobody."""
    ids = {i for i in ids if i}
    users = get_user_model().objects.filter(pk__in=ids)
    names = {u.pk: (u.get_full_name() or u.get_username()) for u in users}
    names[0] = _g("No operator")
    return names


def _with_names(rows: list[dict[str, Any]], group_by: str) -> list[dict[str, Any]]:
    if "operator" not in KEYS[group_by]:
        return rows
    names = operator_names(r["operator"] for r in rows)
    for r in rows:
        r["operator_name"] = names.get(r["operator"], str(r["operator"]))
    return rows


def _sorted(rows: list[dict[str, Any]], group_by: str, then=None) -> list[dict[str, Any]]:
    """Rows in reading order: operators by name, days and hours in order, then `then`."""
    keys = KEYS[group_by]
    folded: dict[str, str] = {}

    def key(r):
        parts = []
        for f in keys:
            if f == "operator":
                name = r["operator_name"]
                parts.append(folded.get(name) or folded.setdefault(name, name.casefold()))
            else:
                parts.append(r[f])
        return (*parts, *(then(r) if then else ()))

    return sorted(rows, key=key)


@dataclass(frozen=True)
class Names:
    """A playbook's statuses, groups and problems in the reader's language and order."""

    group_of: dict[str, str]
    group_name: dict[str, str]
    status_name: dict[str, str]
    reason_name: dict[str, str]
    order: Any  # row → sort key: group, status, reason as the playbook lists them


def playbook_names(pb: PlaybookDef) -> Names:
    lang = get_language()
    groups = {g: i for i, g in enumerate(pb.groups)}
    statuses = {s: i for i, s in enumerate(pb.statuses)}
    problems = {p: i for i, p in enumerate(pb.problems)}
    return Names(
        group_of={s.code: s.group for s in pb.statuses.values()},
        group_name={g: n.get(lang) for g, n in pb.groups.items()},
        status_name={s.code: s.names.get(lang) for s in pb.statuses.values()},
        reason_name={p: n.get(lang) for p, n in pb.problems.items()},
        order=lambda r: (
            groups.get(r["group"], len(groups)),
            statuses.get(r["status"], len(statuses)),
            problems.get(r.get("reason", ""), len(problems)),
            r.get("reason", ""),
        ),
    )


# --- operators ----------------------------------------------------------------------------


def operators_columns(project, group_by: str) -> list[Column]:
    pb = playbook_def(project.playbook)
    inbound = [Column("interactions", _("Inbound contacts"), INT)] if works_inbound(pb) else []
    columns = [
        *inbound,
        Column("calls", _("Calls"), INT),
        Column("contacts", _("Contacts"), INT),
        Column("contact_rate", _("Reached"), PERCENT),
        Column("talk_time", _("Talk time"), DURATION),
        Column("orders_worked", _("Orders worked"), INT),
        Column("outcomes", _("Results"), INT),
    ]
    if approval_applies(pb):
        columns += [
            Column("approved", _("Approved"), INT),
            Column("refused", _("Refused"), INT),
            Column("callbacks", _("Call-backs"), INT),
            Column("approval_rate", _("Approval rate"), PERCENT),
            Column("avg_check", _("Average check"), DECIMAL),
            Column("upsell_share", _("Upsell share"), PERCENT),
        ]
        if has_gifts(project):
            columns.append(Column("gifts", _("Gifts"), INT))
    return columns


def operators_report(
    project, start: date, end: date, group_by: str, *, raw: bool = False
) -> list[dict[str, Any]]:
    """Per operator (and/or day, hour): inbound contacts where the playbook has them (SUB,
    NBO), calls, contacts, talk time, orders worked, results, and where operators can
    approve: approval rate, average check, upsell share, gifts. Columns the playbook does
    not have are left out of the rows too."""
    keys = KEYS[group_by]
    pb = playbook_def(project.playbook)
    groups = approval_groups(pb)
    activity = {
        tuple(r[k] for k in keys): r
        for r in sources.operator_activity(project, start, end, keys=keys, raw=raw)
    }
    inbound = (
        {
            tuple(r[k] for k in keys): r["interactions"]
            for r in sources.interaction_counts(project, start, end, keys=keys)
        }
        if works_inbound(pb)
        else {}
    )
    outcomes: dict[tuple, list[rules.Outcomes]] = defaultdict(list)
    for r in sources.outcome_counts(project, start, end, keys=keys, raw=raw):
        outcomes[tuple(r[k] for k in keys)].append(
            rules.Outcomes(r["status"], r["n"], r["amount"] or 0, r["upsells"], r["gifts"])
        )
    wanted = {c.name for c in operators_columns(project, group_by)}
    rows = []
    for key in set(activity) | set(outcomes) | set(inbound):
        a = activity.get(key, {})
        kpis = rules.operator_kpis(
            calls=a.get("calls") or 0,
            answered=a.get("answered") or 0,
            talk_s=a.get("talk_s") or 0,
            worked=a.get("worked") or 0,
            outcomes=outcomes.get(key, ()),
            groups=groups,
        )
        if "interactions" in wanted:
            kpis["interactions"] = inbound.get(key, 0)
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                **{k: v for k, v in kpis.items() if k in wanted},
            }
        )
    return _sorted(_with_names(rows, group_by), group_by)


def operators_description(project) -> str:
    """What the operators report's figures mean, for this project's playbook only: the
    approval rate where operators approve (COD, SHOP), inbound contacts where they are
    recorded (SUB, NBO)."""
    pb = playbook_def(project.playbook)
    parts = []
    if works_inbound(pb):
        parts.append(
            _g("Inbound contacts are the conversations each operator recorded on the inbound desk.")
        )
    parts.append(
        _g(
            "Calls are call attempts, contacts the answered ones. Orders worked count once "
            "per operator, order and day."
        )
    )
    if approval_applies(pb):
        parts.append(_g("Approval rate = approved / (approved + refused + call-backs)."))
    return " ".join(parts)


# --- outcomes -----------------------------------------------------------------------------

OUTCOME_COLUMNS = (
    Column("group", _("Status group code"), TEXT, code=True),
    Column("group_name", _("Status group"), TEXT),
    Column("status", _("Status code"), TEXT, code=True),
    Column("status_name", _("Status"), TEXT),
    Column("reason", _("Reason code"), TEXT, code=True),
    Column("reason_name", _("Reason"), TEXT),
    Column("outcomes", _("Results"), INT),
    Column("share", _("Share"), PERCENT),
)


def outcomes_report(
    project, start: date, end: date, group_by: str, *, raw: bool = False
) -> list[dict[str, Any]]:
    """Results saved by operators by status group, status and reason (the problem, or a
    SHOP cancellation's own status), with each one's share of its key's results."""
    keys = KEYS[group_by]
    names = playbook_names(playbook_def(project.playbook))
    found = sources.outcome_counts(
        project, start, end, keys=keys, by=("status", "problem"), sums=("n",), raw=raw
    )
    totals: dict[tuple, int] = defaultdict(int)
    for r in found:
        totals[tuple(r[k] for k in keys)] += r["n"]
    labels: dict[tuple[str, str], dict[str, str]] = {}  # (status, reason) → its names
    rows = []
    for r in found:
        key = tuple(r[k] for k in keys)
        status, reason = r["status"], r["problem"]
        label = labels.get((status, reason))
        if label is None:
            group = names.group_of.get(status, "")
            label = labels[(status, reason)] = {
                "group": group,
                "group_name": names.group_name.get(group, group),
                "status": status,
                "status_name": names.status_name.get(status, status),
                "reason": reason,
                "reason_name": names.reason_name.get(reason, reason),
            }
        row = dict(zip(keys, key, strict=True))
        row.update(label)
        row["outcomes"] = r["n"]
        row["share"] = rules.share(r["n"], totals[key])
        rows.append(row)
    return _sorted(_with_names(rows, group_by), group_by, names.order)


# --- funnel -------------------------------------------------------------------------------

FUNNEL_COLUMNS = (
    Column("group", _("Status group code"), TEXT, code=True),
    Column("group_name", _("Status group"), TEXT),
    Column("status", _("Status code"), TEXT, code=True),
    Column("status_name", _("Status"), TEXT),
    Column("orders", _("Orders"), INT),
    Column("share", _("Share of received"), PERCENT),
)


def funnel_report(
    project, start: date, end: date, group_by: str, *, raw: bool = False
) -> list[dict[str, Any]]:
    """Orders received in the range (per day when grouped by day) and the status group
    and status they stand in now, with each one's share of the received."""
    names = playbook_names(playbook_def(project.playbook))
    by_day = group_by == DAY
    found = sources.funnel_counts(project, start, end, by_day=by_day, raw=raw)
    keys = KEYS[group_by]
    totals: dict[tuple, int] = defaultdict(int)
    for r in found:
        totals[tuple(r[k] for k in keys)] += r["n"]
    rows = []
    for r in found:
        key = tuple(r[k] for k in keys)
        status = r["status"]
        group = names.group_of.get(status, "")
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "group": group,
                "group_name": names.group_name.get(group, group),
                "status": status,
                "status_name": names.status_name.get(status, status),
                "orders": r["n"],
                "share": rules.share(r["n"], totals[key]),
            }
        )
    return _sorted(rows, group_by, names.order)


register(
    Report(
        name="operators",
        title=_("Operators"),
        rule="X-11",
        compute=operators_report,
        columns=operators_columns,
        group_bys=(OPERATOR, DAY, HOUR, OPERATOR_DAY, TOTAL),
        default_group_by=OPERATOR,
        description=operators_description,
    )
)
register(
    Report(
        name="outcomes",
        title=_("Results by status and reason"),
        rule="X-11",
        compute=outcomes_report,
        columns=OUTCOME_COLUMNS,
        group_bys=(OPERATOR, DAY, HOUR, OPERATOR_DAY, TOTAL),
        default_group_by=TOTAL,
    )
)
register(
    Report(
        name="funnel",
        title=_("Status funnel"),
        rule="X-11",
        compute=funnel_report,
        columns=FUNNEL_COLUMNS,
        group_bys=(DAY, TOTAL),
        default_group_by=TOTAL,
        description=_("Orders received in the range and where they stand now."),
    )
)
