"""Issue 23, SHOP-7/COD-13: one delivery method. The method the operator chooses, in "find
delivery options", in the hand-off form (the card's script posts it as that option) or
through an edit, is priced by the rate table."""

from __future__ import annotations

import re
from datetime import time, timedelta
from decimal import Decimal

import pytest

from dozvon.core.errors import RuleViolations
from dozvon.delivery.demo import seed_demo_rates
from dozvon.delivery.selectors import order_delivery_options
from dozvon.orders import services as svc
from dozvon.orders.models import Order
from tests.conftest import NOW
from tests.delivery.conftest import FAR_TOWN, MOSCOW, order_at


@pytest.fixture
def shop_rates(shop):
    seed_demo_rates(shop.project)
    return shop


def set_method(world, order, code):
    return svc.order_update(
        order_id=order.pk,
        actor=world.operator,
        version=order.version,
        fields={"delivery_method": code},
        now=NOW,
    )


def test_a_method_set_without_a_cost_costs_what_the_options_offered_shop_7(shop_rates):
    # given an order in Moscow, whose options offer "within MKAD" for 500 ₽
    order = order_at(shop_rates, MOSCOW)
    offered = {o.code: o.cost for o in order_delivery_options(order=order)}
    assert offered["within_mkad"] == Decimal("500.00")
    # when the operator sets "within MKAD" on the card (no cost typed)
    saved = set_method(shop_rates, order, "within_mkad")
    # then it costs what the options offered, and the total follows
    assert (saved.delivery_method, saved.delivery_cost) == ("within_mkad", Decimal("500.00"))
    assert saved.total == saved.goods_total + Decimal("500.00")


def test_a_method_the_address_has_no_option_for_is_refused_shop_7(shop_rates):
    # given an order far from Moscow ("within MKAD" has no rate there)
    order = order_at(shop_rates, FAR_TOWN)
    # when the operator sets it
    with pytest.raises(RuleViolations) as refused:
        set_method(shop_rates, order, "within_mkad")
    # then it is refused naming SHOP-7 on the method, and nothing changed
    assert [(v.rule, v.field) for v in refused.value.violations] == [("SHOP-7", "delivery_method")]
    saved = Order.objects.get(pk=order.pk)
    assert (saved.delivery_method, saved.delivery_cost, saved.version) == (
        "",
        Decimal("0"),
        order.version,
    )


def test_an_explicit_cost_is_kept_as_given_x_5(shop_rates):
    # given an order in Moscow
    order = order_at(shop_rates, MOSCOW)
    # when an edit sets the method with its own cost (an agreed price)
    saved = svc.order_update(
        order_id=order.pk,
        actor=shop_rates.operator,
        version=order.version,
        fields={"delivery_method": "within_mkad", "delivery_cost": Decimal("0")},
        now=NOW,
    )
    # then that cost stays
    assert saved.delivery_cost == Decimal("0")


def test_the_hand_off_form_holds_the_method_chosen_from_the_options_shop_7(client, shop_rates):
    # given an order whose method was chosen from the options
    order = set_method(shop_rates, order_at(shop_rates, MOSCOW), "within_mkad")
    client.force_login(shop_rates.operator)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    # then the hand-off form's method is that one (one field, not a second list)
    form = re.search(r'data-outcome-form="handed_to_delivery".*?</form>', page, re.S).group(0)
    assert re.search(r'<option value="within_mkad" selected>', form)
    # and the card shows the chosen method with its cost
    assert "В пределах МКАД, 500\u00a0₽" in page


def test_a_result_that_sets_the_method_prices_it_like_an_edit_shop_7(shop_rates):
    # given an order in Moscow whose delivery was agreed
    order = order_at(shop_rates, MOSCOW)
    day = (NOW + timedelta(days=1)).date()
    # when the operator hands it to delivery choosing "within MKAD" in the result (no cost)
    saved = svc.order_apply_outcome(
        order_id=order.pk,
        code="handed_to_delivery",
        actor=shop_rates.operator,
        version=order.version,
        fields={
            "delivery_date": day,
            "delivery_time_from": time(10),
            "delivery_time_to": time(14),
            "delivery_method": "within_mkad",
        },
        now=NOW,
    )
    # then the method costs what the rate table says, and the grand total follows
    assert (saved.delivery_method, saved.delivery_cost) == ("within_mkad", Decimal("500.00"))
    assert saved.total == saved.goods_total + Decimal("500.00")
