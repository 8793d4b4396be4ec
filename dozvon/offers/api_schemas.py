"""The request and response shapes of the NBO API (NBO-1…6): campaigns and numbers'
eligibility to load, a number's offers, an interaction's offers and responses, balance
adjustments and their billing decisions, and the KPI rows. The router, the serializers
and the handlers are `offers/api.py`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from dozvon.core import limits
from dozvon.httpkit.api_fields import Amount, Day, Strict
from dozvon.httpkit.api_schemas import Code, Comment, PhoneIn
from dozvon.offers import rules

Tariff = Annotated[str, Field(max_length=rules.TARIFF_MAX)]
Codes = Annotated[list[Tariff], Field(max_length=rules.LIST_MAX)]
Priority = Annotated[int, Field(ge=1, le=rules.PRIORITY_MAX)]


# --- shapes -------------------------------------------------------------------------------


class CampaignIn(Strict):
    code: Code = Field(description="The campaign's code, unique in the project: `INBA`.")
    name: Annotated[str, Field(max_length=limits.PRODUCT_NAME)]
    priority: Priority = Field(description="1 is offered first (NBO-1).")
    starts_on: Day = Field(description="First day the offer is made.")
    ends_on: Day | None = Field(None, description="Last day; none: until further notice.")
    script: Comment = Field("", description="What the operator says.")
    excluded_tariffs: Codes = Field(
        default_factory=list, description="NBO-4: numbers on these tariffs never get it."
    )
    excluded_services: Codes = Field(
        default_factory=list, description="NBO-4: nor numbers with any of these services."
    )


class EligibilityIn(Strict):
    phone: PhoneIn = Field(description="The subscriber number (CTN), any format (X-4).")
    offer: Code = Field(description="A campaign code of the project.")
    priority: Priority | None = Field(None, description="For this number; none: the campaign's.")
    tariff: Tariff = Field("", description="The number's tariff (NBO-4 exclusions).")
    services: Codes = Field(default_factory=list, description="The number's services (NBO-4).")


class LoadOut(Schema):
    created: int
    updated: int
    unchanged: int = Field(description="Rows already loaded as given (a re-load is harmless).")


class CampaignOut(Schema):
    code: str
    name: str
    priority: int
    starts_on: date
    ends_on: date | None
    script: str
    excluded_tariffs: list[str]
    excluded_services: list[str]
    active: bool = Field(description="Running today (the project's date).")


class OfferOut(Schema):
    offer: str
    name: str
    priority: int
    rank: int = Field(description="1: the first by priority.")
    script: str


class ExcludedOut(Schema):
    offer: str
    name: str
    why: str = Field(description="`tariff` or `service` (NBO-4).")
    value: str = Field(description="The number's excluded tariff or service.")


class NumberOffersOut(Schema):
    phone: str
    date: date
    may_offer: bool = Field(description="False for a second-line operator (NBO-3).")
    eligible: list[OfferOut] = Field(description="Active offers by priority (NBO-1).")
    excluded: list[ExcludedOut] = Field(description="Active offers not to make (NBO-4).")


class ResponseIn(Strict):
    response: Annotated[str, Field(max_length=8)] = Field(
        description="`yes` (NBO-2: only `no` or `think` may become `yes`)."
    )


class ResponseOut(Schema):
    interaction: int
    offer: str
    response: str
    rank: int
    was_first: bool = Field(description="The number's first offer by priority (NBO-1).")
    operator: str | None
    at: datetime
    changed_at: datetime | None


class InteractionOffersOut(Schema):
    interaction: int
    checked: bool = Field(description="Whether the offers of the interaction were recorded.")
    eligible: list[str]
    excluded: list[dict[str, Any]]
    offers: list[ResponseOut]
    lost_sale: bool
    lost_reason: str


class AdjustmentIn(Strict):
    category: Annotated[str, Field(max_length=16)] = Field(
        description="`compensation`, `discount`, `promo_credit` or `technological`."
    )
    amount: Amount
    reason: Annotated[str, Field(max_length=rules.REASON_MAX)]
    campaign: Code | None = Field(None, description="The campaign the adjustment is for.")
    subject: Annotated[str, Field(max_length=rules.SUBJECT_MAX)] | None = Field(
        None, description='The interaction\'s short subject line; default "credit for <campaign>".'
    )
    comment: Comment = Field("", description="The details (required, NBO-6).")
    customer_agreed: bool = True
    idempotency_key: Annotated[str, Field(max_length=100)] | None = Field(
        None, description="Or the `Idempotency-Key` header; default: the content."
    )


class AdjustmentOut(Schema):
    id: int
    project: str
    interaction: int
    phone: str
    category: str
    amount: str
    currency: str
    reason: str
    campaign: str | None
    subject: str
    comment: str
    state: str = Field(description="`pending`, `applied` or `rejected`.")
    created_at: datetime
    decided_at: datetime | None
    external_ref: str


class DecisionIn(Strict):
    state: Annotated[str, Field(max_length=8)] = Field(description="`applied` or `rejected`.")
    note: Comment = ""
    external_ref: Annotated[str, Field(max_length=limits.EXTERNAL_ID)] = ""


class AdjustmentsQuery(Schema):
    state: Annotated[str, Field(max_length=8)] | None = Field(
        None, description="`pending`, `applied` or `rejected`."
    )


class KpiQuery(Schema):
    start: Day = Field(alias="from")
    end: Day = Field(alias="to")


class KpiRowOut(Schema):
    day: date
    operator: int | None
    operator_name: str
    campaign: str
    eligible: int
    voiced: int
    yes: int
    realized_share: Decimal
    yes_conversion: Decimal
    target: Decimal
