"""Pure customer rules (X-3, X-4)."""

from __future__ import annotations

import re

from dozvon.core.errors import Violation, violation
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


def check_phone(value: str, *, field: str, rule: str = "X-4") -> list[Violation]:
    if not parse_phone(value).valid:
        return [violation(rule, field, "Enter a valid phone number.")]
    return []


def check_email(value: str, *, field: str) -> list[Violation]:
    if value and not EMAIL.match(value):
        return [violation("X-3", field, "Enter a valid email address.")]
    return []
