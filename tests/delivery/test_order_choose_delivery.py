"""order_choose_delivery (COD-13): the chosen option's method and cost go through the
order edit service; an option the address does not have is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dozvon.core.errors import RuleViolations
from dozvon.delivery.demo import seed_demo_rates
from dozvon.delivery.models import DeliveryMethod, DeliveryRate
from dozvon.delivery.selectors import order_delivery_options
from dozvon.orders import services as svc
from dozvon.orders.models import Order
from dozvon.orders.services.delivery import order_choose_delivery
from tests.conftest import NOW
from tests.delivery.conftest import MOSCOW, order_at


def choose(world, order, code):
    return order_choose_delivery(
        order_id=order.pk, actor=world.operator, option_code=code, version=order.version, now=NOW
    )


def test_post_marked_do_not_offer_may_still_be_chosen_when_the_customer_insists_cod_13(
    cod_rates,
):
    order = order_at(cod_rates, MOSCOW)
    saved = choose(cod_rates, order, "russian_post")
    assert (saved.delivery_method, saved.delivery_cost, saved.total) == (
        "russian_post",
        Decimal("290.00"),
        Decimal("1290.00"),
    )


def test_an_unknown_option_is_refused_naming_cod_13(cod_rates):
    order = order_at(cod_rates, MOSCOW)
    with pytest.raises(RuleViolations) as refused:
        choose(cod_rates, order, "teleport")
    assert [(v.rule, v.field) for v in refused.value.violations] == [("COD-13", "delivery_method")]
    assert Order.objects.get(pk=order.pk).version == order.version


def test_an_inactive_method_is_no_longer_an_option_cod_13(cod_rates):
    order = order_at(cod_rates, MOSCOW)
    DeliveryMethod.objects.filter(project=cod_rates.project, code="pickup").update(is_active=False)
    DeliveryRate.objects.filter(project=cod_rates.project, city="Санкт-Петербург").update(
        is_active=False
    )
    assert [o.code for o in order_delivery_options(order=order)] == ["courier", "russian_post"]
    with pytest.raises(RuleViolations):
        choose(cod_rates, order, "pickup")


def test_the_customers_recipient_address_is_used_while_the_order_has_none_cod_12(cod_rates):
    # given an order whose customer's recipient address is in St Petersburg
    order = cod_rates.intake()
    order = svc.order_update(
        order_id=order.pk,
        actor=cod_rates.operator,
        version=order.version,
        customer={"recipient_address": {"region": "Санкт-Петербург", "city": "Санкт-Петербург"}},
        now=NOW,
    )
    # then its options are St Petersburg's
    options = order_delivery_options(order=Order.objects.get(pk=order.pk))
    courier = options[0]
    assert (courier.code, courier.cost) == ("courier", Decimal("390.00"))


def test_rates_of_another_project_are_not_used_x_1(cod_rates, shop):
    # given SHOP's rate tables, which also cover Moscow
    seed_demo_rates(shop.project)
    order = order_at(cod_rates, MOSCOW)
    codes = {o.code for o in order_delivery_options(order=order)}
    assert codes == {"courier", "pickup", "russian_post"}


def test_shop_demo_list_is_shop_7s_methods(shop):
    # given the SHOP demo tables
    assert seed_demo_rates(shop.project) > 0
    assert seed_demo_rates(shop.project) == 0  # seeding again writes nothing
    codes = list(DeliveryMethod.objects.filter(project=shop.project).values_list("code", flat=True))
    assert codes == ["within_mkad", "outside_mkad", "pickup", "other"]
    # when a Moscow order asks for its options
    order = order_at(shop, MOSCOW)
    options = order_delivery_options(order=order)
    # then within MKAD comes first, and the saved method is the list's code
    assert options[0].code == "within_mkad"
    saved = choose(shop, order, "within_mkad")
    assert (saved.delivery_method, saved.delivery_cost) == ("within_mkad", Decimal("500.00"))
