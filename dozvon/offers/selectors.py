"""Reads of NBO: a project's offer settings, a number's offers and archive, the daily
list of excluded numbers (NBO-4), the KPI (NBO-5) and the adjustments awaiting billing
(NBO-6). Access is checked where an actor is given."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from dozvon.core import clock
from dozvon.core.errors import RuleViolations, violation
from dozvon.customers.rules import phone_key
from dozvon.interactions.models import Interaction
from dozvon.interactions.selectors import operator_line
from dozvon.offers import rules
from dozvon.offers.models import (
    Adjustment,
    Campaign,
    Eligibility,
    OfferCheck,
    OfferResponse,
    OffersSettings,
)
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import (
    ADJUSTMENTS,
    ADMIN,
    READ,
    SUPERVISE,
    ensure_can,
    role_of,
)
from dozvon.projects.models import Role

# --- the project's NBO settings -----------------------------------------------------------


def playbook_offers(project) -> dict[str, Any] | None:
    """The playbook's `settings.offers`; None for a project that makes no offers."""
    conf = playbook_def(project.playbook).settings.get("offers")
    return dict(conf) if isinstance(conf, dict) else None


def offers_enabled(project) -> bool:
    """Whether the project's playbook makes offers (NBO): `nbo.toml` and its kind."""
    return playbook_offers(project) is not None


def ensure_offers(project, *, field: str = "project") -> dict[str, Any]:
    conf = playbook_offers(project)
    if conf is None:
        raise RuleViolations([violation("NBO-1", field, "This project makes no offers.")])
    return conf


@dataclass(frozen=True)
class OffersConfig:
    policy: rules.DiscountPolicy
    kpi_target: Decimal
    responsible_id: int | None
    report_email: str


def offers_config(project) -> OffersConfig:
    """The project's settings over the playbook's defaults."""
    conf = playbook_offers(project) or {}
    row = OffersSettings.objects.filter(project=project).select_related("responsible").first()
    policy_data = (row.discount_policy if row and row.discount_policy else None) or conf.get(
        "discount_policy", {}
    )
    policy, _problems = rules.parse_policy(policy_data)
    target = row.kpi_target if row and row.kpi_target is not None else None
    if target is None:
        try:
            target = Decimal(str(conf.get("kpi_target", rules.KPI_TARGET)))
        except InvalidOperation:
            target = rules.KPI_TARGET
    email = ""
    if row is not None:
        email = row.report_email or (row.responsible.email if row.responsible_id else "")
    return OffersConfig(
        policy=policy,
        kpi_target=target,
        responsible_id=row.responsible_id if row else None,
        report_email=email,
    )


def may_offer(actor, project) -> bool:
    """NBO-3: whether the desk shows the offers to this person."""
    return operator_line(actor, project) != 2


def policy_role(actor, project) -> str:
    """The discount policy's role key of the actor (an administrator counts as a
    supervisor)."""
    role = role_of(actor, project) or ""
    return Role.SUPERVISOR.value if role == ADMIN else role


# --- NBO-1, NBO-4: a number's offers ------------------------------------------------------


def campaign_facts(project) -> dict[str, rules.CampaignFacts]:
    return {c.code: c.facts() for c in Campaign.objects.filter(project=project)}


def number_rows(project, phone: str) -> list[rules.EligibilityFacts]:
    return [
        e.facts(code)
        for e, code in (
            (e, e.campaign.code)
            for e in Eligibility.objects.filter(project=project, phone=phone).select_related(
                "campaign"
            )
        )
    ]


def offers_for_number(*, project, phone: str, today: date, actor=None) -> rules.NumberOffers:
    """NBO-1/NBO-4: the number's offers active `today`, eligible by priority and excluded
    with why. The number in any format (X-4)."""
    if actor is not None:
        ensure_can(actor, project, READ)
    ensure_offers(project)
    key = phone_key(phone)
    return rules.number_offers(
        campaigns=campaign_facts(project), rows=number_rows(project, key), day=today
    )


def number_archive(*, project, phone: str, actor) -> QuerySet[OfferResponse]:
    """NBO-2's "offer archive": every offer voiced to the number, newest first; a NO or
    THINK there may still become YES."""
    ensure_can(actor, project, READ)
    return (
        OfferResponse.objects.filter(
            interaction__project=project, interaction__phone=phone_key(phone)
        )
        .select_related("campaign", "interaction", "operator", "changed_by")
        .order_by("-interaction__started_at", "-id")
    )


def interaction_offers(interaction: Interaction) -> list[OfferResponse]:
    return list(
        OfferResponse.objects.filter(interaction=interaction)
        .select_related("campaign", "operator", "changed_by")
        .order_by("rank", "id")
    )


# --- days in the project's time zone ------------------------------------------------------


def day_bounds(project, start: date, end: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(project.time_zone)
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


# --- NBO-4: the responsible person's daily list -------------------------------------------


def may_see_excluded(actor, project) -> bool:
    role = role_of(actor, project)
    if role is None:
        return False
    if role in (ADMIN, Role.SUPERVISOR):
        return True
    return offers_config(project).responsible_id == actor.pk


def excluded_numbers(*, project, day: date, actor=None) -> list[dict[str, Any]]:
    """NBO-4: the numbers that called on `day` while an active offer was excluded for
    their tariff or service: one row per (interaction, offer), in call order."""
    if actor is not None:
        ensure_can(actor, project, READ)
    start, end = day_bounds(project, day, day)
    checks = (
        OfferCheck.objects.filter(project=project, started_at__gte=start, started_at__lt=end)
        .exclude(excluded=[])
        .select_related("interaction", "interaction__operator")
        .order_by("started_at", "interaction_id")
    )
    rows = []
    for check in checks:
        for item in check.excluded or ():
            rows.append(
                {
                    "interaction": check.interaction_id,
                    "at": check.interaction.started_at,
                    "phone": check.interaction.phone,
                    "campaign": item.get("code", ""),
                    "campaign_name": item.get("name", ""),
                    "why": item.get("why", ""),
                    "value": item.get("value", ""),
                    "operator": check.interaction.operator,
                }
            )
    return rows


# --- NBO-5: the KPI -----------------------------------------------------------------------


def interaction_facts(project, start: date, end: date) -> Iterable[rules.InteractionOfferFacts]:
    """The KPI's facts of each interaction with its offers checked, `start`…`end` (the
    project's days): line and transfer as the interaction says now (a correction counts),
    eligibility as it stood then."""
    lo, hi = day_bounds(project, start, end)
    zone = ZoneInfo(project.time_zone)
    voiced: dict[int, list[tuple[str, str]]] = {}
    for interaction_id, code, response in (
        OfferResponse.objects.filter(
            interaction__project=project,
            interaction__started_at__gte=lo,
            interaction__started_at__lt=hi,
        )
        .order_by("interaction_id", "rank")
        .values_list("interaction_id", "campaign__code", "response")
        .iterator(chunk_size=2000)
    ):
        voiced.setdefault(interaction_id, []).append((code, response))
    checks = (
        OfferCheck.objects.filter(project=project, started_at__gte=lo, started_at__lt=hi)
        .values_list(
            "interaction_id",
            "started_at",
            "interaction__operator_id",
            "interaction__line",
            "interaction__transferred_to",
            "eligible",
        )
        .iterator(chunk_size=2000)
    )
    for interaction_id, started_at, operator_id, line, transferred_to, eligible in checks:
        yield rules.InteractionOfferFacts(
            day=started_at.astimezone(zone).date(),
            operator=operator_id,
            line=line,
            transferred_to=transferred_to or "",
            eligible=tuple(eligible or ()),
            voiced=tuple(voiced.get(interaction_id, ())),
        )


def offers_kpi(project, *, start: date, end: date) -> list[dict]:
    """NBO-5: realized offers per (day, operator, campaign), `start`…`end` inclusive in
    the project's time zone. Each eligible interaction counts once, for the offer
    accepted, else voiced, else the number's first (`rules.attributed_campaign`), so the
    rows of an operator's day add up. Keys: day, operator (user id), operator_name,
    campaign (code), eligible, voiced, yes, realized_share = voiced / eligible,
    yes_conversion = yes / voiced (Decimals to 4 places), target (the project's, 0.85 by
    default). Access is the caller's to check (reports: SUPERVISE)."""
    counts = rules.kpi_counts(interaction_facts(project, start, end))
    target = offers_config(project).kpi_target
    ids = {operator for _, operator, _ in counts if operator is not None}
    names = {
        u.pk: (u.get_full_name() or u.get_username())
        for u in get_user_model().objects.filter(pk__in=ids)
    }
    rows = [
        {
            "day": day,
            "operator": operator,
            "operator_name": names.get(operator, "") if operator is not None else "",
            "campaign": campaign,
            "eligible": c.eligible,
            "voiced": c.voiced,
            "yes": c.yes,
            "realized_share": rules.share(c.voiced, c.eligible),
            "yes_conversion": rules.share(c.yes, c.voiced),
            "target": target,
        }
        for (day, operator, campaign), c in counts.items()
    ]
    rows.sort(key=lambda r: (r["day"], r["operator_name"], r["operator"] or 0, r["campaign"]))
    return rows


def kpi_totals(rows: Iterable[dict], *, key: str = "operator") -> list[dict]:
    """The KPI rows summed by `key` (operator, campaign or day), with their shares."""
    out: dict[Any, dict] = {}
    for r in rows:
        total = out.setdefault(
            r[key],
            {
                key: r[key],
                "operator_name": r.get("operator_name", ""),
                "eligible": 0,
                "voiced": 0,
                "yes": 0,
                "target": r["target"],
            },
        )
        for name in ("eligible", "voiced", "yes"):
            total[name] += r[name]
    for total in out.values():
        total["realized_share"] = rules.share(total["voiced"], total["eligible"])
        total["yes_conversion"] = rules.share(total["yes"], total["voiced"])
        total["below_target"] = total["realized_share"] < total["target"]
    return list(out.values())


def ensure_kpi_reader(actor, project) -> None:
    ensure_can(actor, project, SUPERVISE)


# --- NBO-6: adjustments -------------------------------------------------------------------


def adjustments_for_billing(*, project, actor, state: str | None = None) -> QuerySet[Adjustment]:
    """The project's adjustments for the partner's billing (pending first to apply),
    oldest first."""
    ensure_can(actor, project, ADJUSTMENTS)
    qs = Adjustment.objects.filter(project=project).select_related(
        "campaign", "interaction", "project"
    )
    if state:
        if state not in rules.ADJUSTMENT_STATES:
            raise RuleViolations(
                [violation("input", "state", "The state is pending, applied or rejected.")]
            )
        qs = qs.filter(state=state)
    return qs.order_by("id")


def interaction_adjustments(interaction: Interaction) -> list[Adjustment]:
    return list(
        Adjustment.objects.filter(interaction=interaction)
        .select_related("campaign", "created_by")
        .order_by("id")
    )


def today_of(project, now: datetime | None = None) -> date:
    return clock.local_date(now or clock.now(), project.time_zone)
