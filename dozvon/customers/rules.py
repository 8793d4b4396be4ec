"""Pure customer rules (X-3, X-4)."""

from __future__ import annotations

import re

from dozvon.core.errors import Violation, violation
from dozvon.core.limits import PHONE, PHONE_INPUT
from dozvon.core.phones import parse_phone

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def split_name(name: str) -> tuple[str, str, str]:
    """ "Фамилия Имя Отчество" → parts; one or two words go to the first name as typed,
    for the operator to check with the customer (COD-12)."""
    words = name.split()
    if len(words) == 3:
        return words[0], words[1], words[2]
    return "", " ".join(words), ""


def vip_for(customer_type: str, requested: bool) -> bool:
    """X-3: a government institution is VIP automatically."""
    return requested or customer_type == "government"


def check_phone(value: str | None, *, field: str, rule: str = "X-4") -> list[Violation]:
    """X-4, the one check of a phone as typed, wherever one comes in (the customer card,
    the SUB import, NBO's eligibility lists, an inbound interaction's caller): present,
    at most `PHONE_INPUT` characters, and a real number — the right digit count for its
    country and not obviously fake (`core.phones.parse_phone`). Any common format passes
    ("8 916 …", "+7 916 …", "916…" without the country code); it is kept as `phone_key`
    normalises it (E.164)."""
    text = (value or "").strip()
    if not text:
        return [violation(rule, field, "The phone is required.")]
    if len(text) > PHONE_INPUT or not parse_phone(text).valid:
        return [violation(rule, field, "Enter a valid phone number.")]
    return []


def phone_key(raw: str) -> str:
    """What a phone is stored and searched as: E.164 when parseable, else its digits."""
    parsed = parse_phone(raw)
    return (parsed.e164 or "".join(ch for ch in raw if ch.isdigit()) or raw.strip())[:PHONE]


def check_email(value: str, *, field: str) -> list[Violation]:
    if value and not EMAIL.match(value):
        return [violation("X-3", field, "Enter a valid email address.")]
    return []


def name_key(text: str) -> str:
    """X-4 name search: case-, ё/е- and spacing-insensitive form of a name (also what
    COD-19 d compares names of duplicates by)."""
    return " ".join(text.casefold().replace("ё", "е").split())
