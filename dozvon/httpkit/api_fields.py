"""The API's side of the field declarations (`playbooks/fields.py`): a pydantic type for
each declared kind, in and out, and models built from a list of declarations — so a
field declared once appears in the request and response schemas (and the OpenAPI
document) without being listed here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, create_model

from dozvon.core import limits
from dozvon.playbooks.fields import FieldDecl, Kind

Amount = Annotated[
    Decimal,
    Field(max_digits=limits.AMOUNT_DIGITS, decimal_places=limits.MONEY_PLACES),
]
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))]
Address = Annotated[
    dict[
        Annotated[str, Field(max_length=limits.ADDRESS_KEY)],
        Annotated[str, Field(max_length=limits.ADDRESS_VALUE)],
    ],
    Field(max_length=20),
]


def _local_time(value: time) -> time:
    """Delivery times are the project's local clock times: an offset means nothing here."""
    if value.tzinfo is not None:
        raise ValueError("a time of day without a time zone, e.g. 14:30")
    return value


LocalTime = Annotated[time, AfterValidator(_local_time)]


def input_type(decl: FieldDecl) -> Any:
    """What a request may carry for the field (sizes that fit its column)."""
    text = Annotated[str, Field(max_length=decl.max_length or limits.COMMENT)]
    return {
        Kind.MONEY: Amount,
        Kind.INTEGER: Annotated[int, Field(ge=0, le=10 ** (decl.max_length or 9) - 1)],
        Kind.DATE: Day,
        Kind.TIME: LocalTime,
        Kind.BOOL: bool,
        Kind.ADDRESS: Address,
        Kind.PHONES: Annotated[list[text], Field(max_length=10)],
    }.get(decl.kind, text)


def output_type(decl: FieldDecl) -> Any:
    """What a response carries for the field (money as a decimal string, times HH:MM)."""
    return {
        Kind.MONEY: str,
        Kind.INTEGER: int | None,
        Kind.DATE: date | None,
        Kind.TIME: str | None,
        Kind.BOOL: bool,
        Kind.ADDRESS: dict[str, Any],
        Kind.PHONES: list[str],
    }.get(decl.kind, str)


class Strict(Schema):
    """A request body that refuses unknown fields (422 naming them)."""

    model_config = ConfigDict(extra="forbid")


def input_model(name: str, decls: Iterable[FieldDecl], *, base: type = Strict) -> type:
    """A request model with every declared field optional (null clears it)."""
    return create_model(
        name,
        __base__=base,
        **{
            d.name: (input_type(d) | None, Field(None, description=d.label, title=d.label))
            for d in decls
        },
    )


def output_model(name: str, decls: Iterable[FieldDecl], *, base: type = Schema) -> type:
    return create_model(
        name,
        __base__=base,
        **{d.name: (output_type(d), Field(..., description=d.label)) for d in decls},
    )
