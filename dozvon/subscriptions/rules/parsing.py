"""Values from a cell, a JSON value or a form: text, whole numbers, dates, plan and group
codes given by their Russian names, and issue numbers ("3, 5-7"). Unparsable input comes
back as None (or the text itself) for the checks to name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from dozvon.subscriptions.rules.vocabulary import MAX_ISSUES


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_int(value: Any) -> int | None:
    """A whole number from a cell or a JSON value ("12", 12, 12.0); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = text_of(value).replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral_value() and abs(number) < 10**9 else None


_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y")


def parse_date(value: Any) -> date | None:
    """A date from a cell or a JSON value: a date, "31.12.2022" or "2022-12-31"."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_of(value)
    if not text:
        return None
    text = text.split("T")[0].split(" ")[0]
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if 2000 <= parsed.year <= 2099:
            return parsed
    return None


def code_of(value: Any, aliases: Mapping[str, str]) -> str:
    """A plan or group code from its code or its Russian name (any case); the text
    itself when unknown (the check names it)."""
    text = text_of(value)
    return aliases.get(text.lower(), text)


def numbers_of(values: Iterable[Any]) -> list[int]:
    """Issue numbers from a form's multi-select or a text ("3, 5-7")."""
    out: list[int] = []
    for value in values:
        for part in re.split(r"[,;\s]+", str(value).strip()):
            if not part:
                continue
            if "-" in part[1:]:
                first, _, last = part.partition("-")
                a, b = parse_int(first), parse_int(last)
                if a is not None and b is not None and 0 < a <= b and b - a < MAX_ISSUES:
                    out.extend(range(a, b + 1))
                    continue
            n = parse_int(part)
            out.append(n if n is not None else -1)
    return out
