"""Issue 12: money and phones as Russian operators read them."""

from decimal import Decimal

import pytest

from dozvon.core.money import display_money
from dozvon.core.phones import format_phone

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("1490", "RUB", "1\u202f490\u00a0₽"),
        ("1490.50", "RUB", "1\u202f490,50\u00a0₽"),
        ("0", "RUB", "0\u00a0₽"),
        ("1234567.05", "UAH", "1\u202f234\u202f567,05\u00a0₴"),
        ("-300", "RUB", "-300\u00a0₽"),
        ("552", "", "552"),
    ],
)
def test_money_is_shown_with_spaced_thousands_and_the_currency_sign(amount, currency, shown):
    assert display_money(Decimal(amount), currency) == shown


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+79131284570", "+7 913 128-45-70"),
        ("+74951234567", "+7 495 123-45-67"),
        ("+380441234567", "+380 44 123 4567"),
        ("12345", "12345"),
        ("", ""),
    ],
)
def test_phones_are_shown_grouped_x_4(stored, shown):
    assert format_phone(stored) == shown


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("27.11.2026", "2026-11-27"),
        ("5.1.2027", "2027-01-05"),
        ("27.11.26", "2026-11-27"),
        ("2026-11-27", "2026-11-27"),
    ],
)
def test_days_are_typed_as_russian_operators_write_them(typed, day):
    from dozvon.web.forms import parse_day

    assert parse_day(typed).isoformat() == day


@pytest.mark.parametrize("typed", ["27/11/2026", "31.02.2026", "завтра", ""])
def test_a_day_that_is_not_one_is_refused(typed):
    from dozvon.web.forms import parse_day

    with pytest.raises(ValueError):
        parse_day(typed)


def test_moments_take_the_day_and_a_24_hour_clock():
    from dozvon.web.forms import parse_moment

    assert parse_moment("27.11.2026 14:30").isoformat() == "2026-11-27T14:30:00"
    assert parse_moment("2026-11-27T09:05").isoformat() == "2026-11-27T09:05:00"


def test_a_time_with_a_zone_is_not_a_delivery_time():
    from django.http import QueryDict

    from dozvon.playbooks.fields import BY_NAME
    from dozvon.web.forms import parse_fields

    fields, errors = parse_fields(
        QueryDict("delivery_time_from=10:00Z"), [BY_NAME["delivery_time_from"]]
    )
    assert fields == {} and errors[0].field == "delivery_time_from"
