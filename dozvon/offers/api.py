"""NBO: campaigns, eligibility, responses and adjustments (NBO-1…6). (API.md round 2)

Thin handlers: access (X-2), the rules and every refusal live in `dozvon.offers`
services and selectors; a handler parses, calls one of them and renders."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Query, Router, Status

# the shapes live in offer_schemas; re-exported here
from dozvon.core import clock, limits
from dozvon.core.errors import RuleViolations, violation
from dozvon.core.money import format_money
from dozvon.customers.rules import phone_key
from dozvon.httpkit.api_fields import Day
from dozvon.httpkit.api_schemas import DetailOut, responses
from dozvon.httpkit.api_serializers import iso
from dozvon.interactions.selectors import interaction_get
from dozvon.offers import selectors as sel
from dozvon.offers.api_schemas import (
    AdjustmentIn,
    AdjustmentOut,
    AdjustmentsQuery,
    CampaignIn,
    CampaignOut,
    DecisionIn,
    EligibilityIn,
    InteractionOffersOut,
    KpiQuery,
    KpiRowOut,
    LoadOut,
    NumberOffersOut,
    ResponseIn,
    ResponseOut,
)
from dozvon.offers.models import Adjustment, Campaign, LostSale, OfferCheck, OfferResponse
from dozvon.offers.services import (
    adjustment_create,
    adjustment_decide,
    campaigns_load,
    eligibility_load,
    offer_response_change,
)
from dozvon.projects.access import READ, SUPERVISE, ensure_can, project_for

router = Router()

TAGS = ["offers"]


# --- serializers --------------------------------------------------------------------------


def campaign_out(c: Campaign, today: date) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "priority": c.priority,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "script": c.script,
        "excluded_tariffs": list(c.excluded_tariffs or ()),
        "excluded_services": list(c.excluded_services or ()),
        "active": c.facts().active_on(today),
    }


def response_out(r: OfferResponse, tz: str) -> dict[str, Any]:
    return {
        "interaction": r.interaction_id,
        "offer": r.campaign.code,
        "response": r.response,
        "rank": r.rank,
        "was_first": r.was_first,
        "operator": r.operator.username if r.operator_id else None,
        "at": iso(r.at, tz),
        "changed_at": iso(r.changed_at, tz),
    }


def adjustment_out(a: Adjustment) -> dict[str, Any]:
    tz = a.project.time_zone
    return {
        "id": a.pk,
        "project": a.project.slug,
        "interaction": a.interaction_id,
        "phone": a.interaction.phone,
        "category": a.category,
        "amount": format_money(a.amount),
        "currency": a.currency,
        "reason": a.reason,
        "campaign": a.campaign.code if a.campaign_id else None,
        "subject": a.subject,
        "comment": a.comment,
        "state": a.state,
        "created_at": iso(a.created_at, tz),
        "decided_at": iso(a.decided_at, tz),
        "external_ref": a.external_ref,
    }


# --- campaigns and eligibility (NBO-1, NBO-4) ---------------------------------------------


def _load_rows(request, slug: str, payload, load) -> dict[str, Any]:
    """The two loads (campaigns, numbers' offers): the payload's rows through one load
    service of the project, all or nothing; its counts as the answer."""
    project = project_for(request.auth, slug)
    result = load(
        project=project,
        rows=[p.model_dump() for p in payload],
        actor=request.auth,
        now=clock.now(),
    )
    return result.as_dict()


@router.post(
    "/projects/{slug}/offers",
    tags=TAGS,
    response=responses({200: LoadOut}, body=True),
    summary="Load campaigns by `code` (created or updated; all or nothing)",
    description="A supervisor, or a token with the `offers` scope (X-13); any other scope → 403.",
)
def load_campaigns(request, slug: str, payload: list[CampaignIn]):
    return _load_rows(request, slug, payload, campaigns_load)


@router.get(
    "/projects/{slug}/offers",
    tags=TAGS,
    response=responses({200: list[CampaignOut]}),
    summary="The project's campaigns by priority",
)
def list_campaigns(request, slug: str):
    project = project_for(request.auth, slug)
    ensure_can(request.auth, project, READ)
    sel.ensure_offers(project)
    today = sel.today_of(project)
    return [
        campaign_out(c, today)
        for c in Campaign.objects.filter(project=project).order_by("priority", "code")
    ]


@router.post(
    "/projects/{slug}/eligibility",
    tags=TAGS,
    response=responses({200: LoadOut}, body=True),
    summary="Load numbers' offers by (phone, offer); idempotent",
    description="A supervisor, or a token with the `offers` scope (X-13); any other scope → 403.",
)
def load_eligibility(request, slug: str, payload: list[EligibilityIn]):
    return _load_rows(request, slug, payload, eligibility_load)


@router.get(
    "/projects/{slug}/subscribers/{phone}/offers",
    tags=TAGS,
    response=responses({200: NumberOffersOut}),
    summary="The number's eligible offers by priority, and the excluded ones with why",
)
def number_offers(request, slug: str, phone: str, day: Day | None = None):
    project = project_for(request.auth, slug)
    if len(phone) > limits.PHONE_INPUT:
        raise RuleViolations([violation("X-4", "phone", "Enter a valid phone number.")])
    today = day or sel.today_of(project)
    found = sel.offers_for_number(project=project, phone=phone, today=today, actor=request.auth)
    return {
        "phone": phone_key(phone),
        "date": today,
        "may_offer": sel.may_offer(request.auth, project),
        "eligible": [
            {
                "offer": o.code,
                "name": o.name,
                "priority": o.priority,
                "rank": o.rank,
                "script": o.script,
            }
            for o in found.eligible
        ],
        "excluded": [
            {"offer": e.code, "name": e.name, "why": e.why, "value": e.value}
            for e in found.excluded
        ],
    }


# --- an interaction's offers (NBO-1…5) ----------------------------------------------------


@router.get(
    "/interactions/{interaction_id}/offers",
    tags=TAGS,
    response=responses({200: InteractionOffersOut}),
    summary="The offers of an interaction: eligible then, voiced, lost sale",
)
def interaction_offers(request, interaction_id: int):
    interaction = interaction_get(interaction_id=interaction_id, actor=request.auth)
    check = OfferCheck.objects.filter(interaction=interaction).first()
    lost = LostSale.objects.filter(interaction=interaction).first()
    tz = interaction.project.time_zone
    return {
        "interaction": interaction.pk,
        "checked": check is not None,
        "eligible": list(check.eligible) if check else [],
        "excluded": list(check.excluded) if check else [],
        "offers": [response_out(r, tz) for r in sel.interaction_offers(interaction)],
        "lost_sale": lost is not None,
        "lost_reason": lost.reason if lost else "",
    }


@router.patch(
    "/interactions/{interaction_id}/offers/{offer}",
    tags=TAGS,
    response=responses({200: ResponseOut}, body=True),
    summary="Change a response (NBO-2: only `no`/`think` → `yes`)",
)
def change_response(request, interaction_id: int, offer: str, payload: ResponseIn):
    saved, _changed = offer_response_change(
        interaction_id=interaction_id,
        offer=offer[: limits.CODE],
        response=payload.response,
        actor=request.auth,
        now=clock.now(),
    )
    return response_out(saved, saved.interaction.project.time_zone)


# --- adjustments (NBO-6) ------------------------------------------------------------------


@router.post(
    "/interactions/{interaction_id}/adjustments",
    tags=TAGS,
    response=responses({200: AdjustmentOut, 201: AdjustmentOut}, body=True, conflict=DetailOut),
    summary="A balance adjustment (NBO-6): 201 created; 200 the same one again",
)
def create_adjustment(request, interaction_id: int, payload: AdjustmentIn):
    adjustment, created = adjustment_create(
        interaction_id=interaction_id,
        category=payload.category,
        amount=payload.amount,
        reason=payload.reason,
        campaign=payload.campaign,
        subject=payload.subject,
        comment=payload.comment,
        customer_agreed=payload.customer_agreed,
        idempotency_key=payload.idempotency_key or request.headers.get("Idempotency-Key"),
        actor=request.auth,
        now=clock.now(),
    )
    return Status(201 if created else 200, adjustment_out(adjustment))


@router.get(
    "/projects/{slug}/adjustments",
    tags=TAGS,
    response=responses({200: list[AdjustmentOut]}),
    summary="Adjustments for the partner's billing (`state=pending`: to apply), oldest first",
    description=(
        "With the subscribers' numbers: a supervisor, or a token with the `adjustments` "
        "scope (the billing's, X-13); any other scope → 403."
    ),
)
def list_adjustments(request, slug: str, params: Query[AdjustmentsQuery]):
    project = project_for(request.auth, slug)
    rows = sel.adjustments_for_billing(project=project, actor=request.auth, state=params.state)
    return [adjustment_out(a) for a in rows[:1000]]


@router.patch(
    "/adjustments/{adjustment_id}",
    tags=TAGS,
    response=responses({200: AdjustmentOut}, body=True),
    summary="The billing's answer: pending → applied or rejected (the same again: no change)",
    description="A supervisor, or a token with the `adjustments` scope (X-13); any other → 403.",
)
def decide_adjustment(request, adjustment_id: int, payload: DecisionIn):
    adjustment, _changed = adjustment_decide(
        adjustment_id=adjustment_id,
        state=payload.state,
        note=payload.note,
        external_ref=payload.external_ref,
        actor=request.auth,
        now=clock.now(),
    )
    return adjustment_out(adjustment)


# --- KPI (NBO-5) --------------------------------------------------------------------------


@router.get(
    "/projects/{slug}/offers/kpi",
    tags=TAGS,
    response=responses({200: list[KpiRowOut]}),
    summary="Realized offers per day, operator and campaign against the target (NBO-5)",
)
def offers_kpi(request, slug: str, params: Query[KpiQuery]):
    project = project_for(request.auth, slug)
    ensure_can(request.auth, project, SUPERVISE)
    sel.ensure_offers(project)
    if params.end < params.start or (params.end - params.start).days > 366:
        raise RuleViolations(
            [violation("input", "to", "The period is `from` to `to`, at most a year.")]
        )
    return sel.offers_kpi(project, start=params.start, end=params.end)
