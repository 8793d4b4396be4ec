"""Intake, lists and one order's edits, calls, items, outcomes, comments and timeline:
thin handlers that parse, call one service or selector, and render. No rule lives here."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ninja import Query, Router, Status

from dozvon.core import clock
from dozvon.core.errors import RuleViolations, violation
from dozvon.customers.services import CustomerInput
from dozvon.httpkit import api_schemas as s
from dozvon.httpkit.api_schemas import responses
from dozvon.httpkit.api_serializers import iso, order_out, order_response, timeline_out
from dozvon.orders import selectors as order_sel
from dozvon.orders import services as order_svc
from dozvon.orders.card_panels import handled_outcomes, outcome_handlers
from dozvon.orders.services.calling import call_attempt_record
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import READ, ensure_can, project_for
from dozvon.queues import selectors as queue_sel

router = Router()
ORDER = responses({200: s.OrderOut}, conflict=s.VersionConflictOut, body=True)


def _aware(value: datetime | None, tz: str) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=ZoneInfo(tz))


# --- intake and lists ---------------------------------------------------------------------


@router.post(
    "/projects/{slug}/orders",
    tags=["orders"],
    response=responses({200: s.OrderOut, 201: s.OrderOut}, conflict=s.DuplicateOut, body=True),
    summary="Intake: 201 new, 200 the same external_id and payload again, 409 another payload",
)
def intake(request, slug: str, payload: s.IntakeIn):
    project = project_for(request.auth, slug)
    now = clock.now()
    order, created = order_svc.order_intake(
        project=project, actor=request.auth, now=now, **intake_arguments(payload, project)
    )
    parts = order_sel.order_card_parts(order, other_orders=False)
    return Status(201 if created else 200, order_out(order, now=now, parts=parts))


def intake_arguments(payload: s.IntakeIn, project) -> dict[str, Any]:
    """An intake body as the intake service's arguments (single and batch intake)."""
    return {
        "external_id": payload.external_id,
        "customer": CustomerInput(
            name=payload.customer.name,
            phone=payload.customer.phone,
            email=payload.customer.email.strip(),
            type=payload.customer.type,
        ),
        "items": [
            order_svc.ItemInput(i.sku, i.quantity, i.price, i.discount_percent)
            for i in payload.items
        ],
        "payment_method": payload.payment_method,
        "created_at": _aware(payload.created_at, project.time_zone),
    }


@router.get("/projects/{slug}/orders", tags=["orders"], response=responses({200: s.OrderPageOut}))
def list_orders(request, slug: str, filters: Query[s.OrderFilters]):
    project = project_for(request.auth, slug)
    ensure_can(request.auth, project, READ)  # an intake token does not read orders
    now = clock.now()
    qs = order_sel.order_list(
        project=project, phone=filters.phone, status=filters.status, q=filters.q
    )
    if filters.queue:
        queue = next(
            (q for q in playbook_def(project.playbook).queues if q.code == filters.queue), None
        )
        if queue is None:
            raise RuleViolations([violation("input", "queue", "Unknown queue.")])
        qs = qs.filter(queue_sel.queue_filter(queue, now=now, tz=project.time_zone))
    qs = qs.select_related("project", "project__playbook")
    start = (filters.page - 1) * filters.page_size
    return {
        "items": [
            order_out(o, now=now, full=False)
            for o in order_sel.page_of(qs, start, filters.page_size)
        ],
        "count": qs.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


# --- one order ----------------------------------------------------------------------------


@router.get("/orders/{order_id}", tags=["orders"], response=responses({200: s.OrderOut}))
def get_order(request, order_id: int):
    return order_response(order_id, request)


@router.patch("/orders/{order_id}", tags=["orders"], response=ORDER)
def patch_order(request, order_id: int, payload: s.OrderPatch):
    data = payload.model_dump(exclude_unset=True)
    customer = data.pop("customer", None) or {}
    version = data.pop("version")
    order_svc.order_update(
        order_id=order_id,
        actor=request.auth,
        version=version,
        customer=customer,
        fields=data,
        now=clock.now(),
    )
    return order_response(order_id, request)


@router.post(
    "/orders/{order_id}/calls", tags=["calls"], response=responses({201: s.CallOut}, body=True)
)
def record_call(request, order_id: int, payload: s.CallIn):
    order = order_sel.order_get(order_id=order_id, actor=request.auth)
    call = call_attempt_record(
        order_id=order_id,
        actor=request.auth,
        result=payload.result,
        started_at=_aware(payload.started_at, order.project.time_zone),
        duration_s=payload.duration_s,
        line=payload.line or "",
        now=clock.now(),
    )
    return Status(
        201,
        {
            "id": call.pk,
            "result": call.result,
            "started_at": iso(call.started_at, order.project.time_zone),
            "duration_s": call.duration_s,
            "order": order_response(order_id, request),
        },
    )


@router.post(
    "/orders/{order_id}/items",
    tags=["orders"],
    response=responses({201: s.OrderOut}, conflict=s.VersionConflictOut, body=True),
)
def add_item(request, order_id: int, payload: s.AddItemIn):
    order_svc.order_add_item(
        order_id=order_id,
        actor=request.auth,
        sku=payload.sku,
        quantity=payload.quantity,
        discount_percent=payload.discount_percent,
        version=payload.version,
        now=clock.now(),
    )
    return Status(201, order_response(order_id, request))


_NOT_FIELDS = frozenset({"code", "problem", "comment", "callback_at", "version"})
_INPUTS = frozenset(s.OutcomeInputs.model_fields)


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in _NOT_FIELDS and k not in _INPUTS}


def _inputs(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in _INPUTS}


@router.post("/orders/{order_id}/outcome", tags=["orders"], response=ORDER)
def apply_outcome(request, order_id: int, payload: s.OutcomeIn):
    callback_at = payload.callback_at
    if callback_at is not None and callback_at.tzinfo is None:  # the project's local time
        order = order_sel.order_get(order_id=order_id, actor=request.auth)
        callback_at = _aware(callback_at, order.project.time_zone)
    data = payload.model_dump(exclude_unset=True)
    if payload.code in handled_outcomes():
        # an outcome the playbook's plug-in saves its own way (DUN-9: `paid` is a
        # confirmed payment, recorded and credited, not only a status)
        order = order_sel.order_get(order_id=order_id, actor=request.auth)
        own = outcome_handlers(playbook_def(order.project.playbook)).get(payload.code)
        if own is not None:
            own(
                order_id=order_id,
                actor=request.auth,
                args={
                    "code": payload.code,
                    "problem": payload.problem or "",
                    "comment": payload.comment or "",
                    "callback_at": callback_at,
                    "fields": _fields(data),
                    "inputs": _inputs(data),
                },
                now=clock.now(),
            )
            return order_response(order_id, request)
    # the service checks access as it locks the order (issue 18: no read before it)
    order_svc.order_apply_outcome(
        order_id=order_id,
        actor=request.auth,
        code=payload.code,
        problem=payload.problem or "",
        comment=payload.comment or "",
        callback_at=callback_at,
        fields=_fields(data),
        inputs=_inputs(data),
        version=payload.version,
        now=clock.now(),
    )
    return order_response(order_id, request)


@router.post(
    "/orders/{order_id}/reopen",
    tags=["orders"],
    response=responses({200: s.OrderOut}, body=True),
    summary="X-7: a supervisor reopens a closed order (back to the first status, handed out)",
)
def reopen(request, order_id: int, payload: s.ReopenIn):
    # the service checks access as it locks the order: 404 outside the caller's projects,
    # 403 for anyone but the project's supervisor, 422 for an open order or no reason
    order_svc.order_reopen(
        order_id=order_id,
        actor=request.auth,
        comment=payload.reason,
        now=clock.now(),
        reason_field="reason",
    )
    return order_response(order_id, request)


@router.post(
    "/orders/{order_id}/comments",
    tags=["orders"],
    response=responses({201: s.TimelineOut}, body=True),
)
def add_comment(request, order_id: int, payload: s.CommentIn):
    order = order_sel.order_get(order_id=order_id, actor=request.auth)
    entry = order_svc.order_add_comment(
        order_id=order_id, actor=request.auth, text=payload.text, now=clock.now()
    )
    return Status(201, timeline_out(entry, order.project.time_zone))


@router.get(
    "/orders/{order_id}/timeline", tags=["orders"], response=responses({200: list[s.TimelineOut]})
)
def get_timeline(request, order_id: int):
    order = order_sel.order_get(order_id=order_id, actor=request.auth)
    tz = order.project.time_zone
    pb = playbook_def(order.project.playbook)
    reader = order_sel.order_history_reader(order, pb)  # one order's facts, read once
    return [timeline_out(e, tz, pb, reader) for e in order_sel.order_timeline(order)]
