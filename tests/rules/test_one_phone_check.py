"""X-4, one concept in one place (issue 26): the customer card, NBO's eligibility lists
and an inbound interaction's caller accept and refuse exactly the same phones, with the
same rule, field and message, because all three ask `customers.rules.check_phone`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dozvon.core.limits import PHONE_INPUT
from dozvon.core.phones import parse_phone
from dozvon.customers.rules import check_phone
from dozvon.interactions.rules import check_start
from dozvon.offers.rules import check_eligibility_row

pytestmark = pytest.mark.nodb


def _customer(phone):
    return [(v.rule, v.message) for v in check_phone(phone, field="customer.phone")]


def _eligibility(phone):
    _, found = check_eligibility_row({"phone": phone, "offer": "INBA"}, known={"INBA"}, at="[0].")
    return [(v.rule, v.message) for v in found if v.field == "[0].phone"]


def _interaction(phone):
    found = check_start(
        phone=phone, line="first", lines=("first",), direction="inbound", directions=("inbound",)
    )
    return [(v.rule, v.message) for v in found if v.field == "phone"]


def _three(phone):
    return _customer(phone), _eligibility(phone), _interaction(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "+79161234567",
        "8 (916) 123-45-67",
        "9161234567",  # without the country code: X-4 reads it as +7
        "7 916 1234567",
        "+380 50 123 4567",
        "00 380 50 123 45 67",
    ],
)
def test_a_real_number_in_any_common_format_passes_all_three_entry_points_x_4(phone):
    assert _three(phone) == ([], [], [])


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "The phone is required."),
        ("   ", "The phone is required."),
        ("0611", "Enter a valid phone number."),  # too few digits: was enough for a caller
        ("12345", "Enter a valid phone number."),  # five digits: was enough for NBO's lists
        ("916123456", "Enter a valid phone number."),  # one digit short
        ("70000000000", "Enter a valid phone number."),  # obviously fake
        ("+7 916 111 11 11", "Enter a valid phone number."),  # obviously fake
        ("anonymous", "Enter a valid phone number."),
        ("8" * (PHONE_INPUT + 1), "Enter a valid phone number."),  # longer than the input
    ],
)
def test_a_missing_short_fake_or_unreadable_number_is_refused_alike_everywhere_x_4(phone, message):
    assert _three(phone) == ([("X-4", message)],) * 3


def test_a_number_cell_of_a_spreadsheet_reads_as_its_digits_nbo_1():
    # given an XLSX whose phone column holds numbers (sometimes read back as floats)
    for cell in (79161234567, 79161234567.0, 9161234567.0):
        row, found = check_eligibility_row({"phone": cell, "offer": "INBA"}, known={"INBA"})
        # then the number is accepted as the digits the sheet shows
        assert found == [] and row.phone == str(int(cell))


PHONE_CHARS = st.text(alphabet="0123456789+-() 78", max_size=24)
RUSSIAN_MOBILES = st.builds(
    lambda lead, code, rest: f"{lead}{code}{rest}",
    st.sampled_from(["", "8", "7", "+7", "8 ", "+7 "]),
    st.sampled_from(["916", "903", "926", "999", "800", "495", "000"]),
    st.integers(min_value=0, max_value=99_999_999).map(lambda n: f"{n:07d}"),
)


@settings(deadline=None, max_examples=300)
@given(phone=st.one_of(PHONE_CHARS, RUSSIAN_MOBILES))
def test_the_three_entry_points_accept_and_refuse_the_same_numbers_x_4(phone):
    customer, eligibility, interaction = _three(phone)
    # then all three answer alike …
    assert customer == eligibility == interaction
    # … and what they accept is what X-4's parser calls a real number
    assert (customer == []) is (bool(phone.strip()) and parse_phone(phone.strip()).valid)
