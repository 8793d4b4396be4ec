"""Phones (SPEC X-4) and the pure customer rules (X-3)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dozvon.core.phones import normalize_phone, parse_phone
from dozvon.customers.rules import check_email, check_phone, split_name, vip_for

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize(
    "raw",
    [
        "8 (916) 123-45-67",
        "+7 916 123 45 67",
        "9161234567",
        "89161234567",
        "79161234567",
        "+79161234567",
        "8-916-123-45-67",
        "7 916 1234567",
        "  +7 (916) 123-45-67  ",
    ],
)
def test_common_russian_formats_give_one_e164_number_x_4(raw):
    # given a Moscow mobile typed in a common format
    # when it is parsed
    parsed = parse_phone(raw)
    # then it is the same valid E.164 number
    assert (parsed.e164, parsed.valid, parsed.reason) == ("+79161234567", True, "")
    assert normalize_phone(raw) == "+79161234567"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+380 50 123 4567", "+380501234567"),
        ("+380501234567", "+380501234567"),
        ("380501234567", "+380501234567"),
        ("+380 44 123 4567", "+380441234567"),
        ("+375 29 123 45 67", "+375291234567"),
    ],
)
def test_foreign_numbers_with_country_code_are_valid_x_4(raw, e164):
    # given a Ukrainian or Belarusian number with its country code
    # when it is parsed
    parsed = parse_phone(raw)
    # then it is valid in E.164
    assert (parsed.e164, parsed.valid) == (e164, True)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("00380501234567", "+380501234567"),
        ("00 380 50 123 45 67", "+380501234567"),
        ("8 10 380 50 123 45 67", "+380501234567"),
    ],
    ids=["00-prefix", "00-prefix-spaced", "russian-810-prefix"],
)
def test_international_dialling_prefixes_are_understood_x_4(raw, e164):
    # given a foreign number typed with an international dialling prefix (00 or Russia's 8-10)
    # when it is parsed
    parsed = parse_phone(raw)
    # then it is the same valid E.164 number as with "+"
    assert (parsed.e164, parsed.valid) == (e164, True)


@pytest.mark.parametrize(
    "raw",
    ["70000000000", "+7 (000) 000-00-00", "80000000000", "79999999999", "+7 916 111 11 11"],
)
def test_obviously_fake_numbers_are_invalid_x_4(raw):
    # given a number made of repeated digits
    # when it is parsed
    parsed = parse_phone(raw)
    # then it is invalid as fake
    assert (parsed.valid, parsed.reason) == (False, "fake")


@pytest.mark.parametrize(
    "raw",
    ["916123456", "+7 916 123 45 6", "8 916 123 45 6", "+7 916 123 45 678", "+380 50 123 456"],
    ids=["9-digits", "plus7-short", "8-short", "plus7-long", "ua-short"],
)
def test_numbers_with_a_wrong_digit_count_are_invalid_x_4(raw):
    # given a number with too few or too many digits
    # when it is parsed
    parsed = parse_phone(raw)
    # then it is invalid
    assert parsed.valid is False
    assert parsed.reason in {"digits", "unparseable"}


@pytest.mark.parametrize("raw", ["", "   ", "abc", "нет телефона", None])
def test_text_without_digits_is_not_a_phone_x_4(raw):
    # given text with no digits at all
    # when it is parsed
    parsed = parse_phone(raw)
    # then there is no number
    assert (parsed.e164, parsed.valid, parsed.reason) == (None, False, "unparseable")


@settings(deadline=None)
@given(subscriber=st.integers(min_value=1_000_000, max_value=9_999_999))
def test_any_format_of_one_mobile_number_normalises_identically_x_4(subscriber):
    # given one Moscow mobile number (916 + 7 digits)
    digits = f"916{subscriber}"
    formats = [
        f"8{digits}",
        f"+7{digits}",
        digits,
        f"8 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}",
        f"+7 {digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}",
    ]
    # when it is typed in different formats
    # then search finds one E.164 form
    assert {normalize_phone(f) for f in formats} == {f"+7{digits}"}


# --- customer rules (X-3) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "errors"),
    [
        ("8 (916) 123-45-67", set()),
        ("70000000000", {("X-4", "phone")}),
        ("123", {("X-4", "phone")}),
    ],
)
def test_customer_phone_must_be_valid_x_4(raw, errors):
    # given a phone typed into the customer card
    # when it is checked
    found = check_phone(raw, field="phone")
    # then only a valid number passes
    assert {(v.rule, v.field) for v in found} == errors


def test_customer_phone_check_reports_under_the_callers_rule_and_field_cod_19():
    # given an invalid phone checked on intake for COD-19
    # when it is checked with the caller's rule id
    found = check_phone("70000000000", field="customer.phone", rule="COD-19")
    # then the refusal cites that rule and field
    assert [(v.rule, v.field) for v in found] == [("COD-19", "customer.phone")]


@pytest.mark.parametrize(
    ("value", "ok"),
    [("", True), ("ivan@example.ru", True), ("ivan@example", False), ("ivan example.ru", False)],
)
def test_customer_email_is_optional_but_must_look_like_one_x_3(value, ok):
    # given an email field
    # when it is checked
    found = check_email(value, field="email")
    # then empty or well-formed passes
    assert (found == []) is ok
    assert all((v.rule, v.field) == ("X-3", "email") for v in found)


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Иванов Иван Иванович", ("Иванов", "Иван", "Иванович")),
        ("  Иванов   Иван   Иванович ", ("Иванов", "Иван", "Иванович")),
        ("Иван", ("", "Иван", "")),
        ("Иван Петров", ("", "Иван Петров", "")),
        ("", ("", "", "")),
    ],
)
def test_full_name_splits_only_when_all_three_parts_are_given_x_3_cod_12(name, parts):
    # given a name as typed on a landing page
    # when it is split
    # then three words are surname, first name, patronymic; otherwise all goes to first name
    assert split_name(name) == parts


@pytest.mark.parametrize(
    ("customer_type", "requested", "vip"),
    [
        ("government", False, True),
        ("government", True, True),
        ("legal", False, False),
        ("legal", True, True),
        ("person", False, False),
    ],
)
def test_government_institutions_are_vip_automatically_x_3(customer_type, requested, vip):
    # given a customer type and a supervisor's VIP choice
    # when VIP is decided
    # then government is always VIP, others when marked
    assert vip_for(customer_type, requested) is vip
