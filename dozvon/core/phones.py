"""X-4: phones are stored in E.164; any common format finds the customer.

Pure functions over the `phonenumbers` library (no ORM). Russian-style numbers are the
default: 11 digits starting with 7 or 8 mean +7 (STACK-NOTES).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

DEFAULT_REGION = "RU"
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True)
class ParsedPhone:
    e164: str | None
    valid: bool
    reason: str = ""  # "", "digits", "fake", "unparseable"


def _digits(raw: str) -> str:
    return "".join(_DIGITS.findall(raw))


def _looks_fake(national: str) -> bool:
    """Repeated-digit subscriber numbers such as 70000000000 or 79999999999."""
    if len(national) < 7:
        return True
    return len(set(national[-7:])) == 1


@lru_cache(maxsize=4096)  # pure; one intake asks about the same phone three times
def parse_phone(raw: str, region: str = DEFAULT_REGION) -> ParsedPhone:
    """Parse a phone typed in any common format; say whether it is a real number."""
    text = (raw or "").strip()
    digits = _digits(text)
    if not digits:
        return ParsedPhone(None, False, "unparseable")
    candidate = text
    if not text.startswith("+") and digits.startswith(("00", "810")) and len(digits) > 11:
        # international prefixes: 00 (most of the world), 8-10 (Russia's old one)
        candidate = "+" + digits[2:] if digits.startswith("00") else "+" + digits[3:]
    elif not text.startswith("+") and len(digits) == 11 and digits[0] in "78":
        candidate = "+7" + digits[1:]
    elif not text.startswith("+") and len(digits) > 11:
        candidate = "+" + digits
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return ParsedPhone(None, False, "unparseable")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = str(number.national_number)
    if _looks_fake(national):
        return ParsedPhone(e164, False, "fake")
    if not phonenumbers.is_valid_number(number):
        return ParsedPhone(e164, False, "digits")
    return ParsedPhone(e164, True)


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """E.164 for search and storage, or None when the text is not a phone at all."""
    return parse_phone(raw, region).e164


def format_phone(e164: str) -> str:
    """X-4 display: "+7 913 128-45-70" for Russian numbers, the international format
    for others, the stored text as is when it does not parse."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if not phonenumbers.is_possible_number(number):
        return e164  # an invalid number is shown as it was stored
    if number.country_code == 7 and len(str(number.national_number)) == 10:
        n = str(number.national_number)
        return f"+7 {n[:3]} {n[3:6]}-{n[6:8]}-{n[8:]}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
