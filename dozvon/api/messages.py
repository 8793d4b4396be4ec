"""Messages of an order (X-9; API.md round 2): list and send a template now. Thin handlers:
the rules (access, COD-9 claim, X-9 recipient, DUN-4 bonus) live in the service."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Router, Schema, Status

from dozvon.core import clock
from dozvon.httpkit.api_fields import Strict
from dozvon.httpkit.api_schemas import Code, responses
from dozvon.httpkit.api_serializers import iso
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.selectors import order_messages
from dozvon.messaging.services import message_send_now
from dozvon.orders import selectors as order_sel

router = Router()


class MessageIn(Strict):
    template: Code = Field(description="The project's template code: `bank_details`, …")
    bonus_percent: Annotated[int, Field(ge=1, le=100)] | None = Field(
        None, description="DUN-4: the bonus of a `bonus_offer` (the playbook's steps: 15, 25)."
    )


class MessageOut(Schema):
    id: int
    template: str
    to: str
    subject: str
    state: str = Field(description="`queued`, `sent` or `failed`.")
    attempts: int
    sent_at: str | None
    message_id: str = Field(description="The email's Message-ID header, fixed when queued.")
    bonus_percent: int | None
    last_error: str = Field(description="Why the last attempt failed; empty once sent.")
    created_at: str


def message_out(message: OutboxMessage, tz: str) -> dict[str, Any]:
    return {
        "id": message.pk,
        "template": message.template,
        "to": message.to,
        "subject": message.subject,
        "state": message.state,
        "attempts": message.attempts,
        "sent_at": iso(message.sent_at, tz),
        "message_id": message.message_id,
        "bonus_percent": message.bonus_percent,
        "last_error": message.last_error,
        "created_at": iso(message.created_at, tz),
    }


@router.get(
    "/orders/{order_id}/messages",
    tags=["messages"],
    response=responses({200: list[MessageOut]}),
    summary="The order's emails, newest first",
)
def list_messages(request, order_id: int):
    order = order_sel.order_get(order_id=order_id, actor=request.auth)
    tz = order.project.time_zone
    return [message_out(m, tz) for m in order_messages(order)]


@router.post(
    "/orders/{order_id}/messages",
    tags=["messages"],
    response=responses({200: MessageOut, 202: MessageOut}, body=True),
    summary="Send a template now: 202 queued; 200 the same email, still queued",
)
def send_message(request, order_id: int, payload: MessageIn):
    order = order_sel.order_get(order_id=order_id, actor=request.auth)
    message, queued = message_send_now(
        order_id=order_id,
        template=payload.template,
        bonus_percent=payload.bonus_percent,
        actor=request.auth,
        now=clock.now(),
    )
    return Status(202 if queued else 200, message_out(message, order.project.time_zone))
