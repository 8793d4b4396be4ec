"""Issue 24 item 4: a postponement's refusal reads as correct Russian whatever its numbers
("на 1–3 дней", "максимум на 5 дня" were seen): the count of days is abbreviated (дн.),
which agrees with every number (DUN-5)."""

from datetime import date

import pytest
from django.utils import translation

from dozvon.dunning.rules import _out_of_bounds


@pytest.mark.parametrize(
    ("reason", "low", "high", "expected"),
    [
        ("will_think", 1, 3, "на 1–3 дн."),
        ("promised", 0, 5, "максимум на 5 дн."),
        ("promised", 0, 1, "максимум на 1 дн."),
        ("promised_date", 10, 12, "на 10–12 дн."),
    ],
)
def test_a_postponement_refusal_agrees_with_its_number_of_days_dun_5(reason, low, high, expected):
    refused = _out_of_bounds(reason, "DUN-5", low, high, date(2026, 1, 25))
    with translation.override("ru"):
        text = refused.render()
    assert expected in text
    assert "дней" not in text and "дня" not in text
