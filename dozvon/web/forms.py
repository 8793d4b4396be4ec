"""Parsing of workspace forms into service arguments; a bad value becomes a violation
on its field, like any rule (X-7), so the operator sees it where they typed."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_noop as N_

from dozvon.core import clock
from dozvon.core.errors import Violation, violation

ADDRESS_PARTS = ("region", "city", "street", "house", "building", "apartment")
PAYMENT_METHODS = ("cash", "card", "invoice")


def parse_outcome(post, tz: str) -> tuple[dict[str, Any], list[Violation]]:
    """Outcome form → keyword arguments for `order_apply_outcome` (without ids)."""
    found: list[Violation] = []
    fields: dict[str, Any] = {}

    def bad(name: str) -> None:
        found.append(violation("input", name, "Enter a valid value."))

    def text(name: str) -> str:
        return (post.get(name) or "").strip()

    if text("callback_at"):
        try:
            moment = datetime.fromisoformat(text("callback_at"))
            callback_at = moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))
            if not clock.is_sane(callback_at):
                raise ValueError
        except ValueError:
            callback_at = None
            bad("callback_at")
    else:
        callback_at = None
    for name, kind in (
        ("delivery_date", date),
        ("delivery_time_from", time),
        ("delivery_time_to", time),
    ):
        if text(name):
            try:
                fields[name] = kind.fromisoformat(text(name))
                if kind is date and not 2000 <= fields[name].year <= 2099:
                    raise ValueError
            except ValueError:
                fields.pop(name, None)
                bad(name)
    if text("paid_amount"):
        try:
            fields["paid_amount"] = Decimal(text("paid_amount").replace(",", "."))
        except InvalidOperation:
            bad("paid_amount")
    for name in ("payment_method", "delivery_method", "delivery_note"):
        if text(name):
            fields[name] = text(name)
    address = {part: text(f"delivery_address.{part}") for part in ADDRESS_PARTS}
    if any(address.values()):
        fields["delivery_address"] = {k: v for k, v in address.items() if v}
    args = {
        "code": text("code"),
        "problem": text("problem"),
        "comment": text("comment"),
        "callback_at": callback_at,
        "fields": fields,
    }
    return args, found


def parse_int(value, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value)))
    except (TypeError, ValueError):
        return default


def parse_discount(value) -> Decimal | None:
    try:
        return Decimal(str(value or "0").replace(",", "."))
    except InvalidOperation:
        return None


ADDRESS_LABELS = {
    "region": N_("Region"),
    "city": N_("City"),
    "street": N_("Street"),
    "house": N_("House"),
    "building": N_("Building"),
    "apartment": N_("Apartment"),
}
