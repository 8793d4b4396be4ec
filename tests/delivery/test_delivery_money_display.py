"""Issue 26, one place writes money as text: the card's delivery options and the totals
after a choice come with the amounts as the card shows them (`core.money.display_money`,
"1 350 ₽"), so the browser script formats no money itself; the machine values stay."""

from __future__ import annotations

import pytest

from tests.delivery.conftest import MOSCOW, order_at

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def operator(client, cod_rates):
    client.force_login(cod_rates.operator)
    return client


def test_the_options_carry_their_cost_as_the_card_shows_money_cod_13(cod_rates, operator):
    order = order_at(cod_rates, MOSCOW)
    options = operator.get(f"/orders/{order.pk}/delivery-options").json()["options"]
    courier = options[0]
    assert (courier["code"], courier["cost"]) == ("courier", "350.00")
    assert courier["cost_display"] == f"350{NBSP}₽"


def test_a_choice_answers_with_the_totals_as_the_card_shows_them_cod_13(cod_rates, operator):
    order = order_at(cod_rates, MOSCOW)
    response = operator.post(
        f"/orders/{order.pk}/delivery-options", {"option": "courier", "version": order.version}
    )
    out = response.json()["order"]
    assert (out["goods_total"], out["delivery_cost"], out["total"]) == (
        "1000.00",
        "350.00",
        "1350.00",
    )
    assert out["display"] == {
        "goods_total": f"1{NNBSP}000{NBSP}₽",
        "delivery_cost": f"350{NBSP}₽",
        "total": f"1{NNBSP}350{NBSP}₽",
    }
