"""The HTTP API contract of `shared/API.md`: thin handlers that parse, call one service
or selector, and render. No rule lives here."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.utils.translation import get_language
from ninja import Field, NinjaAPI, Query, Schema, Status
from pydantic import AfterValidator, ConfigDict

from dozvon.api.common import (
    ReadableJSONRenderer,
    StrictJSONParser,
    TokenAuth,
    install_error_handlers,
)
from dozvon.api.serializers import iso, order_out, timeline_out
from dozvon.calls.services import call_attempt_record
from dozvon.catalog.models import Product
from dozvon.core import clock
from dozvon.core.errors import RuleViolations, violation
from dozvon.core.money import format_money
from dozvon.customers.services import CustomerInput
from dozvon.orders import selectors as order_sel
from dozvon.orders import services as order_svc
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import project_for, projects_for
from dozvon.queues import selectors as queue_sel
from dozvon.queues import services as queue_svc

api = NinjaAPI(
    title="dozvon API",
    version="1",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    renderer=ReadableJSONRenderer(),
    parser=StrictJSONParser(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_error_handlers(api)

Str40 = Annotated[str, Field(max_length=40)]
Str100 = Annotated[str, Field(max_length=100)]
Str300 = Annotated[str, Field(max_length=300)]
Comment = Annotated[str, Field(max_length=5000)]
Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]
Percent = Annotated[Decimal, Field(max_digits=5, decimal_places=2)]
BigInt = Annotated[int, Field(ge=-(10**9), le=10**9)]


def _sane(value: datetime) -> datetime:
    if not clock.is_sane(value):
        raise ValueError("date must be between 2000 and 2099")
    return value


Moment = Annotated[datetime, AfterValidator(_sane)]
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))]
Address = dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=300)]]


def _aware(value: datetime | None, tz: str) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=ZoneInfo(tz))


def _page(qs, page: int, page_size: int, render) -> dict[str, Any]:
    count = qs.count()
    start = (page - 1) * page_size
    return {
        "items": [render(o) for o in order_sel.page_of(qs, start, page_size)],
        "count": count,
        "page": page,
        "page_size": page_size,
    }


# --- projects -----------------------------------------------------------------------------


@api.get("/projects", tags=["projects"])
def list_projects(request):
    lang = get_language()
    return [
        {
            "slug": p.slug,
            "name": p.name,
            "playbook": p.playbook.code,
            "playbook_name": playbook_def(p.playbook).names.get(lang),
            "time_zone": p.time_zone,
            "currency": p.currency,
        }
        for p in projects_for(request.auth).order_by("slug")
    ]


@api.get("/projects/{slug}/products", tags=["projects"])
def list_products(request, slug: str):
    project = project_for(request.auth, slug)
    return [
        {
            "sku": p.sku,
            "name": p.name,
            "price": format_money(p.price),
            "currency": p.currency,
            "max_discount_percent": f"{p.max_discount_percent:.2f}",
        }
        for p in Product.objects.filter(project=project, is_active=True).order_by("sku")
    ]


@api.get("/projects/{slug}/playbook", tags=["projects"])
def get_playbook(request, slug: str):
    project = project_for(request.auth, slug)
    pb = playbook_def(project.playbook)
    return {
        "code": pb.code,
        "version": pb.version,
        "name": pb.names.as_dict(),
        "groups": [{"code": c, "name": n.as_dict()} for c, n in pb.groups.items()],
        "statuses": [
            {"code": s.code, "group": s.group, "name": s.names.as_dict(), "initial": s.initial}
            for s in pb.statuses.values()
        ],
        "problems": [{"code": c, "name": n.as_dict()} for c, n in pb.problems.items()],
        "outcomes": [
            {
                "code": o.code,
                "rule": o.rule,
                "name": o.names.as_dict(),
                "status": o.status,
                "group": pb.statuses[o.status].group,
                "requires": list(o.requires),
                "forbids": list(o.forbids),
                "optional": list(o.optional),
                "form_fields": list(pb.form_fields(o)),
                "problems": list(o.problems),
                "rules": [c.as_dict() for c in o.checks],
                "roles": list(o.roles),
            }
            for o in pb.outcomes.values()
        ],
        "queues": [
            {
                "code": q.code,
                "name": q.names.as_dict(),
                "callable": q.callable,
                "take": q.take,
                "bucket": q.bucket,
                "created": q.created,
                "roles": list(q.roles),
            }
            for q in pb.queues
        ],
    }


@api.get("/projects/{slug}/queues", tags=["queues"])
def list_queues(request, slug: str):
    project = project_for(request.auth, slug)
    lang = get_language()
    return [
        {"code": q.code, "name": q.names.get(lang), "count": n, "callable": q.callable}
        for q, n in queue_sel.queue_counts(project=project, now=clock.now())
    ]


@api.post("/projects/{slug}/queues/{code}/next", tags=["queues"], response={200: dict, 204: None})
def take_next(request, slug: str, code: str):
    project = project_for(request.auth, slug)
    order = queue_svc.queue_take_next(
        project=project, queue_code=code[:40], actor=request.auth, now=clock.now()
    )
    if order is None:
        return Status(204, None)
    return _order_response(order.pk, request)


@api.post("/orders/{order_id}/release", tags=["queues"])
def release(request, order_id: int):
    queue_svc.order_release(order_id=order_id, actor=request.auth, now=clock.now())
    return _order_response(order_id, request)


# --- intake and lists ---------------------------------------------------------------------


class CustomerIn(Schema):
    name: Str300 = ""
    phone: Annotated[str, Field(max_length=64)]
    email: Annotated[str, Field(max_length=254)] = ""
    type: Str40 = "private"


class ItemIn(Schema):
    sku: Annotated[str, Field(max_length=64)]
    quantity: BigInt = 1
    price: Money | None = None
    discount_percent: Percent | None = None


class IntakeIn(Schema):
    external_id: Str100 | None = None
    customer: CustomerIn
    items: Annotated[list[ItemIn], Field(max_length=200)]
    payment_method: Str40 = ""
    created_at: Moment | None = None


@api.post("/projects/{slug}/orders", tags=["orders"], response={200: dict, 201: dict})
def intake(request, slug: str, payload: IntakeIn):
    project = project_for(request.auth, slug)
    now = clock.now()
    order, created = order_svc.order_intake(
        project=project,
        actor=request.auth,
        external_id=payload.external_id,
        customer=CustomerInput(
            name=payload.customer.name,
            phone=payload.customer.phone,
            email=payload.customer.email.strip(),
            type=payload.customer.type,
        ),
        items=[
            order_svc.ItemInput(i.sku, i.quantity, i.price, i.discount_percent)
            for i in payload.items
        ],
        payment_method=payload.payment_method,
        created_at=_aware(payload.created_at, project.time_zone),
        now=now,
    )
    return Status(201 if created else 200, order_out(order, now=now))


class OrderFilters(Schema):
    phone: Annotated[str, Field(max_length=64)] | None = None
    status: Str40 | None = None
    queue: Str40 | None = None
    q: Annotated[str, Field(max_length=200)] | None = None
    page: Annotated[int, Field(ge=1, le=10**6)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


@api.get("/projects/{slug}/orders", tags=["orders"])
def list_orders(request, slug: str, filters: Query[OrderFilters]):
    project = project_for(request.auth, slug)
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
    return _page(qs, filters.page, filters.page_size, lambda o: order_out(o, now=now, full=False))


# --- one order ----------------------------------------------------------------------------


def _order_response(order_id: int, request) -> dict[str, Any]:
    now = clock.now()
    order = order_sel.order_get(order_id=order_id, actor=request.auth)
    data = order_out(order, now=now)
    data["other_orders"] = [
        {
            "id": o.pk,
            "status": o.status,
            "created_at": iso(o.created_at, order.project.time_zone),
            "total": format_money(o.total),
        }
        for o in order_sel.order_other_orders(order)[:20]
    ]
    return data


@api.get("/orders/{order_id}", tags=["orders"])
def get_order(request, order_id: int):
    return _order_response(order_id, request)


class CustomerPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    surname: Str300 | None = None
    first_name: Str300 | None = None
    patronymic: Str300 | None = None
    gender: Str40 | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    type: Str40 | None = None
    vip: bool | None = None
    phone: Annotated[str, Field(max_length=64)] | None = None
    extra_phones: (
        Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=10)] | None
    ) = None
    payer_address: Address | None = None
    recipient_address: Address | None = None
    operator_comment: Comment | None = None
    customer_comment: Comment | None = None


class DeliveryFields(Schema):
    payment_method: Str40 | None = None
    paid_amount: Money | None = None
    payment_status: Str40 | None = None
    delivery_method: Str40 | None = None
    delivery_address: Address | None = None
    delivery_date: Day | None = None
    delivery_time_from: time | None = None
    delivery_time_to: time | None = None
    delivery_window_approved: bool | None = None
    delivery_note: Comment | None = None


class OrderPatch(DeliveryFields):
    model_config = ConfigDict(extra="forbid")
    version: int
    customer: CustomerPatch | None = None
    delivery_cost: Money | None = None


@api.patch("/orders/{order_id}", tags=["orders"])
def patch_order(request, order_id: int, payload: OrderPatch):
    data = payload.model_dump(exclude_unset=True)
    customer = data.pop("customer", None) or {}
    version = data.pop("version")
    for key in (
        "surname",
        "first_name",
        "patronymic",
        "email",
        "gender",
        "operator_comment",
        "customer_comment",
    ):
        if key in customer and customer[key] is None:
            customer[key] = ""
    order_svc.order_update(
        order_id=order_id,
        actor=request.auth,
        version=version,
        customer=customer,
        fields=data,
        now=clock.now(),
    )
    return _order_response(order_id, request)


class CallIn(Schema):
    result: Str40
    started_at: Moment | None = None
    duration_s: BigInt = 0


@api.post("/orders/{order_id}/calls", tags=["calls"], response={201: dict})
def record_call(request, order_id: int, payload: CallIn):
    order = order_sel.order_get(order_id=order_id, actor=request.auth)
    call = call_attempt_record(
        order_id=order_id,
        actor=request.auth,
        result=payload.result,
        started_at=_aware(payload.started_at, order.project.time_zone),
        duration_s=payload.duration_s,
        now=clock.now(),
    )
    return Status(
        201,
        {
            "id": call.pk,
            "result": call.result,
            "started_at": iso(call.started_at, order.project.time_zone),
            "duration_s": call.duration_s,
            "order": _order_response(order_id, request),
        },
    )


class AddItemIn(Schema):
    sku: Annotated[str, Field(max_length=64)]
    quantity: BigInt = 1
    discount_percent: Percent = Decimal(0)
    version: int | None = None


@api.post("/orders/{order_id}/items", tags=["orders"], response={201: dict})
def add_item(request, order_id: int, payload: AddItemIn):
    order_svc.order_add_item(
        order_id=order_id,
        actor=request.auth,
        sku=payload.sku,
        quantity=payload.quantity,
        discount_percent=payload.discount_percent,
        version=payload.version,
        now=clock.now(),
    )
    return Status(201, _order_response(order_id, request))


class OutcomeIn(DeliveryFields):
    model_config = ConfigDict(extra="forbid")
    code: Str40
    problem: Str40 | None = ""
    comment: Comment | None = ""
    callback_at: Moment | None = None
    version: int | None = None


@api.post("/orders/{order_id}/outcome", tags=["orders"])
def apply_outcome(request, order_id: int, payload: OutcomeIn):
    order = order_sel.order_get(order_id=order_id, actor=request.auth)
    data = payload.model_dump(exclude_unset=True)
    fields = {
        k: v
        for k, v in data.items()
        if k not in {"code", "problem", "comment", "callback_at", "version"}
    }
    order_svc.order_apply_outcome(
        order_id=order_id,
        actor=request.auth,
        code=payload.code,
        problem=payload.problem or "",
        comment=payload.comment or "",
        callback_at=_aware(payload.callback_at, order.project.time_zone),
        fields=fields,
        version=payload.version,
        now=clock.now(),
    )
    return _order_response(order_id, request)


class CommentIn(Schema):
    text: Comment


@api.post("/orders/{order_id}/comments", tags=["orders"], response={201: dict})
def add_comment(request, order_id: int, payload: CommentIn):
    order = order_sel.order_get(order_id=order_id, actor=request.auth)
    entry = order_svc.order_add_comment(
        order_id=order_id, actor=request.auth, text=payload.text, now=clock.now()
    )
    return Status(201, timeline_out(entry, order.project.time_zone))


@api.get("/orders/{order_id}/timeline", tags=["orders"])
def get_timeline(request, order_id: int):
    order = order_sel.order_get(order_id=order_id, actor=request.auth)
    tz = order.project.time_zone
    pb = playbook_def(order.project.playbook)
    return [timeline_out(e, tz, pb) for e in order_sel.order_timeline(order)]


@api.get("/health", auth=None, tags=["meta"], include_in_schema=False)
def health(request):
    return {"ok": True}
