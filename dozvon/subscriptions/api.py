"""SUB: subscriptions, their import and the registry (SUB-1…4, X-10; API.md round 2).

`POST /projects/{slug}/subscriptions` creates or updates by `number` a list of up to 500
(all or nothing: any refused row refuses the request, 422 naming `[i].field`);
`GET/PATCH /subscriptions/{id}` read one (with its remaining issues and the registry's
contacts) and change its plan or status (SUB-2: accelerated never goes back to base)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.db.models import Prefetch
from ninja import Body, Field, Query, Router, Schema
from pydantic import ConfigDict

from dozvon.core import clock, limits
from dozvon.httpkit.api_schemas import Email, PhoneIn, Version, VersionConflictOut, responses
from dozvon.httpkit.api_serializers import iso
from dozvon.projects.access import INTAKE, READ, ensure_can, project_for
from dozvon.subscriptions import rules
from dozvon.subscriptions.models import Subscription, SubscriptionContact
from dozvon.subscriptions.selectors import (
    ensure_keeps_subscriptions,
    subscription_get,
    subscriptions_list,
)
from dozvon.subscriptions.services import subscription_update, subscriptions_upsert

router = Router()
MAX_ROWS = rules.MAX_ROWS


def _text(n: int):
    return Annotated[str, Field(max_length=n)]


class SubscriberIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: _text(limits.NAME)
    phone: PhoneIn
    email: Email = ""


class SubscriptionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    number: _text(rules.NUMBER_MAX)
    customer: SubscriberIn
    collection: _text(rules.COLLECTION_CODE_MAX)
    plan: Literal["base", "accelerated"]
    issues_total: Annotated[int, Field(ge=0, le=10**6)]
    issues_delivered: Annotated[int, Field(ge=0, le=10**6)] = 0
    group: Literal["untouched", "green", "pink", ""] = ""
    suspend_on: date


class SubscriberOut(Schema):
    id: int
    name: str
    phone: str
    email: str


class ContactOut(Schema):
    interaction: int
    at: datetime
    outcome: str
    issues: list[int]
    operator: str | None


class SubscriptionOut(Schema):
    id: int
    project: str
    number: str
    customer: SubscriberOut
    collection: str
    collection_name: str
    plan: str
    issues_total: int
    issues_delivered: int
    remaining_issues: list[int]
    group: str
    suspend_on: date
    status: str
    contacts: list[ContactOut]
    contacts_count: int
    first_contact_at: datetime | None
    last_outcome: str
    informed_at: datetime | None
    cancelled_at: datetime | None
    version: int


class UpsertItemOut(Schema):
    number: str
    result: Literal["created", "updated", "unchanged"]
    subscription: SubscriptionOut


class UpsertOut(Schema):
    items: list[UpsertItemOut]


class SubscriptionPageOut(Schema):
    items: list[SubscriptionOut]
    count: int
    page: int
    page_size: int


class SubscriptionFilters(Schema):
    phone: PhoneIn | None = None
    number: _text(rules.NUMBER_MAX) | None = None
    group: Literal["untouched", "green", "pink"] | None = None
    status: Literal["active", "cancelled"] | None = None
    page: Annotated[int, Field(ge=1, le=10**6)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


class SubscriptionPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    plan: Literal["base", "accelerated"] | None = None
    status: Literal["active", "cancelled"] | None = None
    group: Literal["untouched", "green", "pink"] | None = None
    version: Version | None = None


CONTACTS = Prefetch(
    "contact_rows",
    queryset=SubscriptionContact.objects.select_related("operator").order_by("at", "id"),
)


def subscription_out(s: Subscription) -> dict[str, Any]:
    tz = s.project.time_zone
    contacts = list(s.contact_rows.all())
    return {
        "id": s.pk,
        "project": s.project.slug,
        "number": s.number,
        "customer": {
            "id": s.customer_id,
            "name": s.customer.full_name,
            "phone": s.customer.phone,
            "email": s.customer.email,
        },
        "collection": s.collection.code,
        "collection_name": s.collection.name,
        "plan": s.plan,
        "issues_total": s.issues_total,
        "issues_delivered": s.issues_delivered,
        "remaining_issues": s.remaining_issues,
        "group": s.group,
        "suspend_on": s.suspend_on,
        "status": s.status,
        "contacts": [
            {
                "interaction": c.interaction_id,
                "at": iso(c.at, tz),
                "outcome": c.outcome,
                "issues": list(c.issues or []),
                "operator": c.operator.username if c.operator_id else None,
            }
            for c in contacts
        ],
        "contacts_count": s.contacts,
        "first_contact_at": iso(s.first_contact_at, tz),
        "last_outcome": s.last_outcome,
        "informed_at": iso(s.informed_at, tz),
        "cancelled_at": iso(s.cancelled_at, tz),
        "version": s.version,
    }


def _loaded(ids) -> dict[int, Subscription]:
    return {
        s.pk: s
        for s in Subscription.objects.filter(pk__in=list(ids))
        .select_related("project", "customer", "collection")
        .prefetch_related(CONTACTS)
    }


def _row(body: SubscriptionIn) -> dict[str, Any]:
    return {
        "number": body.number,
        "name": body.customer.name,
        "phone": body.customer.phone,
        "email": body.customer.email,
        "collection": body.collection,
        "plan": body.plan,
        "issues_total": body.issues_total,
        "issues_delivered": body.issues_delivered,
        "group": body.group,
        "suspend_on": body.suspend_on,
    }


@router.post(
    "/projects/{slug}/subscriptions",
    tags=["subscriptions"],
    response=responses({200: UpsertOut}, body=True),
    summary="Create or update subscriptions by number (up to 500; all or none)",
)
def upsert_subscriptions(
    request,
    slug: str,
    payload: Annotated[
        list[SubscriptionIn],
        Body(..., description="1–500 subscriptions", min_length=1, max_length=MAX_ROWS),
    ],
):
    project = project_for(request.auth, slug)
    ensure_can(request.auth, project, INTAKE)
    ensure_keeps_subscriptions(project)
    rows = [_row(body) for body in payload]
    results = subscriptions_upsert(project=project, rows=rows, actor=request.auth, now=clock.now())
    loaded = _loaded(r.subscription.pk for r in results)
    return {
        "items": [
            {
                "number": r.number,
                "result": r.result,
                "subscription": subscription_out(loaded[r.subscription.pk]),
            }
            for r in results
        ]
    }


@router.get(
    "/projects/{slug}/subscriptions",
    tags=["subscriptions"],
    response=responses({200: SubscriptionPageOut}),
)
def list_subscriptions(request, slug: str, filters: Query[SubscriptionFilters]):
    project = project_for(request.auth, slug)
    ensure_can(request.auth, project, READ)
    qs = subscriptions_list(
        project=project,
        actor=request.auth,
        phone=filters.phone or "",
        number=filters.number or "",
        group=filters.group or "",
        status=filters.status or "",
    )
    start = (filters.page - 1) * filters.page_size
    page = qs.select_related("project").prefetch_related(CONTACTS)[
        start : start + filters.page_size
    ]
    return {
        "items": [subscription_out(s) for s in page],
        "count": qs.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.get(
    "/subscriptions/{subscription_id}",
    tags=["subscriptions"],
    response=responses({200: SubscriptionOut}),
)
def get_subscription(request, subscription_id: int):
    found = subscription_get(subscription_id=subscription_id, actor=request.auth)
    return subscription_out(_loaded([found.pk])[found.pk])


@router.patch(
    "/subscriptions/{subscription_id}",
    tags=["subscriptions"],
    response=responses({200: SubscriptionOut}, body=True, conflict=VersionConflictOut),
    summary="Change a subscription's plan, status or group (SUB-2)",
)
def patch_subscription(request, subscription_id: int, payload: SubscriptionPatch):
    updated = subscription_update(
        subscription_id=subscription_id,
        actor=request.auth,
        plan=payload.plan,
        status=payload.status,
        group=payload.group,
        version=payload.version,
        now=clock.now(),
    )
    return subscription_out(_loaded([updated.pk])[updated.pk])
