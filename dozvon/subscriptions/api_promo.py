"""SUB-4 and SUB-5 during the call (API.md round 2): an operator applies the project's
operator-only promo code to an order, and places a shop order for a subscriber's
remaining issues (the subscription is cancelled with it). SUB-5's codes kept by the
project's supervisor (API.md round 3): `GET/POST /projects/{slug}/promo-codes`,
`PATCH /promo-codes/{id}` (an operator → 403, another project → 404). Thin handlers:
parse, call one service, render."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dozvon.core import clock
from dozvon.core.money import format_money
from dozvon.httpkit import api_schemas as s
from dozvon.httpkit.api_schemas import responses
from dozvon.httpkit.api_serializers import order_response
from dozvon.projects.access import project_for
from dozvon.subscriptions import promo_rules, rules
from dozvon.subscriptions.models import PromoCode
from dozvon.subscriptions.ordering import subscription_order_remaining
from dozvon.subscriptions.promo import promo_apply
from dozvon.subscriptions.promo_codes import (
    promo_code_change,
    promo_code_create,
    promo_codes_list,
)

router = Router()


class PromoIn(Schema):
    model_config = ConfigDict(extra="forbid")
    code: Annotated[str, Field(max_length=promo_rules.CODE_MAX * 2)]


class PromoItemOut(s.ItemOut):
    discount_amount: str = Field(description="The fixed discount per unit, e.g. `447.00`.")
    special_discount: bool


class PromoOrderOut(s.OrderOut):
    """The order; a promo code shows as `special_discount`, never as its text."""

    items: list[PromoItemOut]
    special_discount: bool


class RemainingOrderIn(Schema):
    model_config = ConfigDict(extra="forbid")
    issues: Annotated[
        list[Annotated[int, Field(ge=0, le=10**6)]],
        Field(max_length=rules.MAX_ISSUES),
    ]
    payment_method: s.PaymentCode = ""
    delivery: s.DeliveryFields | None = None


@router.post(
    "/orders/{order_id}/promo",
    tags=["subscriptions"],
    response=responses({200: PromoOrderOut}, body=True),
    summary="SUB-5: an operator applies the project's promo code to the order",
)
def apply_promo(request, order_id: int, payload: PromoIn):
    promo_apply(order_id=order_id, code=payload.code, actor=request.auth, now=clock.now())
    return order_response(order_id, request)


@router.post(
    "/subscriptions/{subscription_id}/order",
    tags=["subscriptions"],
    response=responses({201: PromoOrderOut}, body=True),
    summary="SUB-4: an order for remaining issues; the subscription is cancelled",
)
def order_remaining(request, subscription_id: int, payload: RemainingOrderIn):
    delivery = payload.delivery.model_dump(exclude_unset=True) if payload.delivery else None
    order = subscription_order_remaining(
        subscription_id=subscription_id,
        issues=payload.issues,
        actor=request.auth,
        now=clock.now(),
        payment_method=payload.payment_method,
        delivery=delivery or None,
    )
    return Status(201, order_response(order.pk, request))


# --- SUB-5: the supervisor's codes (API.md round 3) ---------------------------------------


class PromoCodeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    code: Annotated[str, Field(max_length=promo_rules.CODE_MAX * 2)]
    collection: Annotated[str, Field(max_length=rules.COLLECTION_CODE_MAX)] = Field(
        description="The code of the project's collection whose issues it applies to."
    )
    discount_amount: Decimal = Field(description="The fixed discount per unit, e.g. `447.00`.")
    ends_on: date = Field(description="Its last day (included), in the project's time zone.")
    active: bool = True


class PromoCodePatch(Schema):
    model_config = ConfigDict(extra="forbid")
    ends_on: date | None = None
    active: bool | None = None
    discount_amount: Decimal | None = None


class PromoCodeOut(Schema):
    id: int
    project: str
    code: str
    collection: str
    collection_name: str
    products: list[str] = Field(description="The SKUs of the collection's issues.")
    discount_amount: str
    currency: str
    ends_on: date
    active: bool
    applied: int = Field(description="How many orders it was applied to.")


class PromoCodePageOut(Schema):
    items: list[PromoCodeOut]
    count: int
    page: int
    page_size: int


class PromoCodeFilters(Schema):
    active: bool | None = None
    page: Annotated[int, Field(ge=1, le=10**6)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


def promo_code_out(promo: PromoCode, applied: int | None = None) -> dict:
    skus = list(promo.collection.issues.order_by("number").values_list("product__sku", flat=True))
    return {
        "id": promo.pk,
        "project": promo.project.slug,
        "code": promo.code,
        "collection": promo.collection.code,
        "collection_name": promo.collection.name,
        "products": skus,
        "discount_amount": format_money(promo.discount_amount),
        "currency": promo.project.currency,
        "ends_on": promo.valid_until,
        "active": promo.active,
        "applied": applied if applied is not None else promo.applications.count(),
    }


@router.get(
    "/projects/{slug}/promo-codes",
    tags=["subscriptions"],
    response=responses({200: PromoCodePageOut}),
    summary="SUB-5: the project's promo codes (supervisors; an operator → 403)",
)
def list_promo_codes(request, slug: str, filters: Query[PromoCodeFilters]):
    project = project_for(request.auth, slug)
    qs = promo_codes_list(project=project, actor=request.auth)
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    start = (filters.page - 1) * filters.page_size
    page = qs.select_related("project")[start : start + filters.page_size]
    return {
        "items": [promo_code_out(p, p.applied) for p in page],
        "count": qs.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.post(
    "/projects/{slug}/promo-codes",
    tags=["subscriptions"],
    response=responses({201: PromoCodeOut}, body=True),
    summary="SUB-5: a supervisor creates an operator-only promo code",
)
def create_promo_code(request, slug: str, payload: PromoCodeIn):
    project = project_for(request.auth, slug)
    promo = promo_code_create(
        project=project,
        actor=request.auth,
        code=payload.code,
        collection=payload.collection,
        discount_amount=payload.discount_amount,
        ends_on=payload.ends_on,
        active=payload.active,
        now=clock.now(),
    )
    return Status(201, promo_code_out(promo))


@router.patch(
    "/promo-codes/{promo_id}",
    tags=["subscriptions"],
    response=responses({200: PromoCodeOut}, body=True),
    summary="SUB-5: change a promo code's last day or discount, or end it (`active`: false)",
)
def change_promo_code(request, promo_id: int, payload: PromoCodePatch):
    given = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    promo = promo_code_change(promo_id=promo_id, actor=request.auth, now=clock.now(), **given)
    return promo_code_out(promo)
