"""SUB-4 and SUB-5 during the call (API.md round 2): an operator applies the project's
operator-only promo code to an order, and places a shop order for a subscriber's
remaining issues (the subscription is cancelled with it). Thin handlers: parse, call one
service, render the order."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from dozvon.api import schemas as s
from dozvon.api.orders import order_response
from dozvon.api.schemas import responses
from dozvon.core import clock
from dozvon.subscriptions import promo_rules, rules
from dozvon.subscriptions.ordering import subscription_order_remaining
from dozvon.subscriptions.promo import promo_apply

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
