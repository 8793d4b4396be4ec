"""DUN payments reported by the partner (API.md round 2; DUN-1, DUN-9 attribution): one
payment of an order, many by the partner's order ids, and an order's payments. Thin
handlers: the rules (access, X-5/X-10 checks, idempotency, attribution) live in
`payments.services`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext
from ninja import Body, Field, Router, Schema, Status
from pydantic import ValidationError

from dozvon.core import clock, limits
from dozvon.core.errors import RuleViolations, violation
from dozvon.core.money import format_money
from dozvon.httpkit.api_common import field_of
from dozvon.httpkit.api_schemas import ErrorOut, Moment, responses
from dozvon.httpkit.api_serializers import iso
from dozvon.payments import selectors
from dozvon.payments.models import Payment
from dozvon.payments.rules import REFERENCE
from dozvon.payments.services import (
    DuplicateReference,
    PaymentItem,
    payment_report,
    payments_report_many,
)
from dozvon.projects.access import project_for

router = Router()
MAX_BULK = 500

Amount = Annotated[
    Decimal, Field(max_digits=limits.AMOUNT_DIGITS, decimal_places=limits.MONEY_PLACES)
]


class PaymentIn(Schema):
    amount: Amount = Field(
        description="The amount paid: a decimal string (or number), above zero, at most two "
        "decimal places (X-5), e.g. `1234.50`."
    )
    paid_at: Moment = Field(
        description="When the customer paid (ISO 8601; without an offset: the project's "
        "time zone). Not in the future (X-10)."
    )
    reference: Annotated[str, Field(max_length=REFERENCE)] = Field(
        description="The bank's or the partner's payment id: the idempotency key, unique "
        "within the project."
    )
    currency: Annotated[str, Field(max_length=limits.CURRENCY)] | None = Field(
        None, description="ISO 4217; the project's currency when absent (X-5: no other)."
    )


class BulkPaymentIn(PaymentIn):
    external_id: Annotated[str, Field(min_length=1, max_length=limits.EXTERNAL_ID)] = Field(
        description="The partner's order id (X-10)."
    )


class PaymentOut(Schema):
    id: int
    order: int = Field(description="The order's id.")
    external_id: str | None = Field(description="The partner's order id.")
    amount: str = Field(description="Decimal string, e.g. `1234.50`.")
    currency: str
    paid_at: str = Field(description="In the project's time zone.")
    reference: str
    attributed_to: str | None = Field(
        description="DUN-9: the username of the operator who worked the order last before "
        "the payment (a call, a result, an email); null when nobody had worked it."
    )
    attributed_at: str | None = Field(description="When that operator's last work was.")
    created_at: str = Field(description="When the payment was reported.")


class PaymentConflictOut(Schema):
    detail: str
    id: int = Field(description="The payment already recorded under this `reference`.")


class BulkItemOut(Schema):
    external_id: str | None
    result: Literal["created", "existing", "refused"]
    payment: PaymentOut | None = None
    errors: list[ErrorOut] | None = None


class BulkOut(Schema):
    items: list[BulkItemOut]


def payment_out(payment: Payment, tz: str) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "order": payment.order_id,
        "external_id": payment.order.external_id,
        "amount": format_money(payment.amount),
        "currency": payment.currency,
        "paid_at": iso(payment.paid_at, tz),
        "reference": payment.reference,
        "attributed_to": payment.attributed_to.get_username() if payment.attributed_to else None,
        "attributed_at": iso(payment.attributed_at, tz),
        "created_at": iso(payment.created_at, tz),
    }


def _aware(value: datetime, tz: str) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo(tz))


def _echo(value: Any) -> str | None:
    """A refused item's `external_id` as the response can carry it (text that UTF-8 can
    encode; a lone surrogate is not)."""
    if not isinstance(value, str):
        return None
    try:
        value.encode()
    except UnicodeEncodeError:
        return None
    return value


def _duplicate_detail(payment_id: int) -> str:
    return gettext(
        "This reference is already used by payment %(id)s with another order, amount, "
        "currency or time."
    ) % {"id": payment_id}


@router.get(
    "/orders/{order_id}/payments",
    tags=["payments"],
    response=responses({200: list[PaymentOut]}),
    summary="The order's payments, oldest first",
    description="Readable by whoever reads the order and by an integration token with the "
    "`payments` scope (X-13).",
)
def list_payments(request, order_id: int):
    order = selectors.order_for_payments(order_id=order_id, actor=request.auth)
    tz = order.project.time_zone
    rows = selectors.order_payments(order)
    for payment in rows:
        payment.order = order
    return [payment_out(p, tz) for p in rows]


@router.post(
    "/orders/{order_id}/payments",
    tags=["payments"],
    response=responses({200: PaymentOut, 201: PaymentOut}, conflict=PaymentConflictOut, body=True),
    summary="Report a payment: 201 recorded, 200 the same reference and payload again",
    description="The partner's bank reports that the customer paid the order. Idempotent "
    "by `reference` within the project: the same reference with the same order, amount, "
    "currency and time answers 200 with the payment recorded before; with another payload "
    "409. The order becomes paid and leaves the worklist (DUN-1); the payment is "
    "attributed to the operator who worked the order last before it (DUN-9); the changes "
    "feed gets a `paid` change. A supervisor, or an integration token with the "
    "`payments` scope (X-13); an operator gets 403. 422: a bad amount or currency (X-5), "
    "a time in the future or no reference (X-10), an order already paid or a project "
    "without a paid status (DUN-1).",
)
def report_payment(request, order_id: int, payload: PaymentIn):
    order = selectors.order_for_payments(order_id=order_id, actor=request.auth)
    tz = order.project.time_zone
    try:
        payment, created = payment_report(
            order_id=order_id,
            amount=payload.amount,
            paid_at=_aware(payload.paid_at, tz),
            reference=payload.reference,
            currency=payload.currency,
            actor=request.auth,
            now=clock.now(),
        )
    except DuplicateReference as exc:
        return Status(409, {"detail": _duplicate_detail(exc.payment_id), "id": exc.payment_id})
    return Status(201 if created else 200, payment_out(payment, tz))


@router.post(
    "/projects/{slug}/payments",
    tags=["payments"],
    response=responses({200: BulkOut}, body=True),
    summary=f"Report up to {MAX_BULK} payments by the partner's order ids, a result for each",
    description="Each item is recorded as `POST /orders/{id}/payments` records one, in its "
    "own transaction: `created`, `existing` (the same reference and payload again) or "
    "`refused` with its errors (an unknown `external_id`, a reference reused with another "
    "payload, the rules of a single report). Access is checked for the whole request.",
)
def report_payments(
    request,
    slug: str,
    payload: Annotated[
        list[dict[str, Any]],
        Body(
            ...,
            description=f"1–{MAX_BULK} payments: `external_id`, `amount`, `paid_at`, "
            "`reference`, `currency`?",
        ),
    ],
):
    project = project_for(request.auth, slug)
    if not 1 <= len(payload) <= MAX_BULK:
        raise RuleViolations(
            [violation("input", "body", "Send from 1 to %(max)s payments.", max=MAX_BULK)]
        )
    tz = project.time_zone
    slots: list[dict[str, Any] | int] = []  # a refusal as it stands, or an item's index
    items: list[PaymentItem] = []
    for raw in payload:
        try:
            body = BulkPaymentIn.model_validate(raw)
        except ValidationError as exc:
            slots.append(
                {
                    "external_id": _echo(raw.get("external_id")),
                    "result": "refused",
                    "errors": [
                        {
                            "rule": "input",
                            "field": field_of(e["loc"]),
                            "message": gettext("Invalid value: %(reason)s") % {"reason": e["msg"]},
                        }
                        for e in exc.errors()
                    ],
                }
            )
            continue
        slots.append(len(items))
        items.append(
            PaymentItem(
                external_id=body.external_id,
                amount=body.amount,
                paid_at=_aware(body.paid_at, tz),
                reference=body.reference,
                currency=body.currency,
            )
        )
    results = payments_report_many(
        project=project, items=items, actor=request.auth, now=clock.now()
    )
    out = []
    for slot in slots:
        if isinstance(slot, dict):
            out.append(slot)
            continue
        result = results[slot]
        row: dict[str, Any] = {"external_id": result.external_id, "result": result.result}
        if result.payment is not None:
            row["payment"] = payment_out(result.payment, tz)
        if result.errors:
            row["errors"] = [v.as_dict() for v in result.errors]
        out.append(row)
    return {"items": out}
