"""The API's shapes (API.md field names), in and out, so the OpenAPI document tells a
partner exactly what each request takes and each response carries, errors included.

Input limits come from `dozvon.core.limits`, the same constants the columns are built
from: anything the API accepts fits what the database stores (issue 10).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from django.apps import apps
from ninja import Field, Schema
from pydantic import AfterValidator, create_model

from dozvon.core import clock, limits
from dozvon.httpkit.api_fields import Strict, input_model, output_model
from dozvon.playbooks.fields import Store, declared, outcome_inputs


def _text(n: int):
    return Annotated[str, Field(max_length=n)]


Code = _text(limits.CODE)
PaymentCode = _text(limits.PAYMENT_CODE)
Comment = _text(limits.COMMENT)
NamePart = _text(limits.NAME_PART)
PhoneIn = _text(limits.PHONE_INPUT)
Email = _text(limits.EMAIL)
Sku = _text(limits.SKU)
Price = Annotated[
    Decimal,
    Field(max_digits=limits.PRICE_DIGITS, decimal_places=limits.MONEY_PLACES),
]
Percent = Annotated[Decimal, Field(max_digits=limits.PERCENT_DIGITS, decimal_places=2)]
BigInt = Annotated[int, Field(ge=-(10**9), le=10**9)]
Version = Annotated[int, Field(ge=0, le=2**31 - 1)]


def _sane(value: datetime) -> datetime:
    if not clock.is_sane(value):
        raise ValueError("date must be between 2000 and 2099")
    return value


Moment = Annotated[datetime, AfterValidator(_sane)]


# --- errors (API.md "Conventions") --------------------------------------------------------


class ErrorOut(Schema):
    rule: str = Field(description='The SPEC rule ID, or "input" for malformed input.')
    field: str = Field(description="The field to fix, e.g. `customer.phone`, `items[0].sku`.")
    message: str = Field(description="In the language of Accept-Language (ru, uk, en).")


class ErrorsOut(Schema):
    errors: list[ErrorOut]


class DetailOut(Schema):
    detail: str


class VersionConflictOut(Schema):
    detail: str
    version: int = Field(description="The order's current version: reload and retry.")


class DuplicateOut(Schema):
    detail: str
    id: int = Field(description="The order already created under this `external_id`.")


ERRORS: dict[int, Any] = {401: DetailOut, 403: DetailOut, 404: DetailOut, 422: ErrorsOut}
ERRORS[503] = DetailOut
BODY_ERRORS: dict[int, Any] = {413: ErrorsOut, 415: ErrorsOut}


def responses(ok: dict[int, Any], *, conflict: Any = None, body: bool = False) -> dict[int, Any]:
    """A handler's documented responses: its own plus every error it can answer (413 and
    415 where it takes a JSON body; 409 where it can conflict)."""
    out = {**ok, **ERRORS, **(BODY_ERRORS if body else {})}
    if conflict is not None:
        out[409] = conflict
    return out


# --- projects -----------------------------------------------------------------------------


class NamesOut(Schema):
    ru: str
    uk: str
    en: str


class ProjectOut(Schema):
    slug: str
    name: str
    playbook: str
    playbook_name: str | None
    time_zone: str
    currency: str


class ProductOut(Schema):
    sku: str
    name: str
    price: str = Field(description="Decimal string, e.g. `552.00`.")
    currency: str
    max_discount_percent: str


class CodeNameOut(Schema):
    code: str
    name: NamesOut


class StatusOut(CodeNameOut):
    group: str
    initial: bool


class OutcomeOut(CodeNameOut):
    rule: str
    status: str
    group: str
    requires: list[str]
    forbids: list[str]
    optional: list[str]
    form_fields: list[str]
    problems: list[str]
    rules: list[dict[str, Any]]
    roles: list[str]


class QueueDefOut(CodeNameOut):
    callable: bool
    take: str
    bucket: str
    created: str
    roles: list[str]


class PlaybookOut(Schema):
    code: str
    version: int
    name: NamesOut
    groups: list[CodeNameOut]
    statuses: list[StatusOut]
    problems: list[CodeNameOut]
    outcomes: list[OutcomeOut]
    queues: list[QueueDefOut]
    payment_methods: list[str]


class QueueOut(Schema):
    code: str
    name: str
    count: int
    callable: bool


# --- orders -------------------------------------------------------------------------------


class CustomerOut(output_model("CustomerFieldsOut", declared(Store.CUSTOMER))):
    id: int
    name: str
    phone: str = Field(description="E.164 when valid.")
    phone_valid: bool


class ItemOut(Schema):
    id: int
    sku: str
    name: str
    quantity: int
    price: str
    discount_percent: str
    discount_amount: str = Field(
        "0.00", description="A fixed discount per unit (SUB-5), shown as a special discount."
    )
    special_discount: bool = False
    line_total: str
    is_main: bool
    gift: bool


class OrderSummaryOut(Schema):
    """An order as lists show it."""

    id: int
    project: str
    external_id: str | None
    status: str
    status_group: str
    queue: str | None = Field(description="The tab the order shows in now, if any.")
    problem: str
    customer_name: str
    phone: str
    goods_total: str
    delivery_cost: str
    total: str
    currency: str
    responsible: str | None
    callback_at: datetime | None
    due_at: datetime | None
    failed_calls: int
    calls_total: int
    last_comment: str
    created_at: datetime
    updated_at: datetime
    version: int


class OtherOrderOut(Schema):
    id: int
    status: str
    created_at: datetime
    total: str


_ORDER_OUT = [d for d in declared(Store.ORDER) if d.name not in OrderSummaryOut.model_fields]


class OrderOut(OrderSummaryOut, output_model("OrderFieldsOut", _ORDER_OUT)):
    """One order with its customer, items, delivery and payment data."""

    customer: CustomerOut
    items: list[ItemOut]
    claimed_by: str | None
    claimed_at: datetime | None
    closing_script: str | None
    duplicate_of: int | None
    delivery_flag: bool
    special_discount: bool = Field(False, description="A special discount (SUB-5) applies.")
    other_orders: list[OtherOrderOut] = Field(
        default_factory=list, description="The customer's other orders in this project."
    )


class OrderPageOut(Schema):
    items: list[OrderSummaryOut]
    count: int
    page: int
    page_size: int


class CallOut(Schema):
    id: int
    result: str
    started_at: datetime
    duration_s: int
    order: OrderOut


class TimelineOut(Schema):
    id: int
    kind: str = Field(description="comment, call, status, message, auto or edit")
    at: datetime
    actor: str | None
    text: str
    data: dict[str, Any]


# --- input --------------------------------------------------------------------------------


class CustomerIn(Schema):
    name: _text(limits.NAME) = ""
    phone: PhoneIn
    email: Email = ""
    type: Code = "private"


class ItemIn(Schema):
    sku: Sku
    quantity: BigInt = 1
    price: Price | None = None
    discount_percent: Percent | None = None


class IntakeIn(Schema):
    external_id: _text(limits.EXTERNAL_ID) | None = None
    customer: CustomerIn
    items: Annotated[list[ItemIn], Field(max_length=limits.MAX_ITEMS)]
    payment_method: PaymentCode = ""
    created_at: Moment | None = None


class OrderFilters(Schema):
    phone: PhoneIn | None = None
    status: Code | None = None
    queue: Code | None = None
    q: _text(200) | None = None
    page: Annotated[int, Field(ge=1, le=10**6)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


CustomerPatch = input_model("CustomerPatch", declared(Store.CUSTOMER, edit=True))
# the order fields an outcome may carry (declared once in playbooks/fields.py)
DeliveryFields = input_model("DeliveryFields", declared(Store.ORDER, outcome=True), base=Schema)


class OrderPatch(input_model("OrderFieldsPatch", declared(Store.ORDER, edit=True), base=Strict)):
    version: Version
    customer: CustomerPatch | None = None


class CallIn(Schema):
    result: Code
    started_at: Moment | None = None
    duration_s: BigInt = 0
    line: Code | None = Field(
        "", description="The caller line it was made from, one of the project's (DUN-7)."
    )


class AddItemIn(Schema):
    sku: Sku
    quantity: BigInt = 1
    discount_percent: Percent = Decimal(0)
    version: Version | None = None


class _ResultBasics(Strict):
    """What every result takes (X-7): its code, problem, comment, callback time."""

    code: Code
    problem: Code | None = ""
    comment: Comment | None = ""
    callback_at: Moment | None = None
    version: Version | None = None


@cache
def outcome_models() -> tuple[type, type]:
    """(OutcomeInputs, OutcomeIn): a result's own inputs besides problem, comment and
    callback time — the engine's (DUN-5: reason, days, promised date) and the plug-ins'
    (playbooks.fields.register_outcome_field) — and the body of `POST /orders/{id}/outcome`
    (the order fields a result carries, those inputs, the basics).

    Built once, when first asked for: the plug-ins declare their inputs in their apps'
    `ready()`, after this module may have been imported (a plug-in's own API imports it),
    so the models cannot be built at import. Asked for before every app is ready, they
    would miss a plug-in's inputs for good: refused (RuntimeError) instead."""
    if not apps.ready:
        raise RuntimeError("the outcome schemas are built once every app is ready")
    inputs = input_model("OutcomeInputs", outcome_inputs(), base=Schema)
    body = create_model("OutcomeIn", __base__=(DeliveryFields, inputs, _ResultBasics))
    return inputs, body


def __getattr__(name: str) -> Any:
    """`OutcomeInputs` and `OutcomeIn` as module attributes, built on first use
    (`outcome_models`): `s.OutcomeIn` in a route's signature, read when `dozvon.api.v1`
    is imported (from the URLs, once the apps are ready)."""
    if name == "OutcomeInputs":
        return outcome_models()[0]
    if name == "OutcomeIn":
        return outcome_models()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class CommentIn(Schema):
    text: Comment


class ReopenIn(Schema):
    """X-7: why a supervisor opens a closed order again (required, in the timeline)."""

    reason: Comment
