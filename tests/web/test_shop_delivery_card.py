"""Issue 23, SHOP: the order card as the delivery department and the SHOP operator use it.
The card shows what the department delivers (SHOP-7: the address in all its parts, day and
window, method and cost, payment, the client, the comments and the operator's note); the
department's list flags a note red (SHOP-3); the department approves a short window on the
card and the operator then hands the order over (SHOP-7); payment is edited on the card
(SHOP-7, X-5); a role sees only the controls it may use (X-2)."""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from dozvon.delivery.demo import seed_demo_rates
from dozvon.orders import services as svc
from dozvon.orders.models import Order
from tests.conftest import NOW

NOTE = "Позвонить за час: домофон не работает"
ADDRESS = {
    "postal_code": "125009",
    "region": "Москва",
    "city": "Москва",
    "street": "Тверская",
    "house": "7",
    "building": "2",
    "apartment": "15",
    "entrance": "3",
    "floor": "5",
    "metro": "Охотный ряд",
    "directions": "Въезд со двора",
}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def shop_rates(shop):
    seed_demo_rates(shop.project)
    return shop


def prepared(world, **fields):
    """A SHOP order whose operator filled the address and the given delivery data."""
    order = world.intake()
    return svc.order_update(
        order_id=order.pk,
        actor=world.operator,
        version=order.version,
        fields={"delivery_address": ADDRESS, **fields},
        now=NOW,
    )


def card(client, order) -> str:
    response = client.get(f"/orders/{order.pk}/")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def edit_delivery(client, order, **data):
    order.refresh_from_db()
    return client.post(
        f"/orders/{order.pk}/edit", {"form": "delivery", "version": order.version, **data}
    )


def hand_over(client, order):
    order.refresh_from_db()
    return client.post(
        f"/orders/{order.pk}/outcome",
        {
            "code": "handed_to_delivery",
            "version": order.version,
            "delivery_address.city": "Москва",
            **{f"delivery_address.{k}": v for k, v in ADDRESS.items()},
            "delivery_date": "25.11.2026",
            "delivery_time_from": order.delivery_time_from.strftime("%H:%M"),
            "delivery_time_to": order.delivery_time_to.strftime("%H:%M"),
        },
    )


def test_the_delivery_card_shows_everything_the_department_delivers_shop_7(client, shop_rates):
    # given an order with a full address, day, window, method, payment, comments and a note
    world = shop_rates
    order = prepared(world)
    order = svc.order_update(
        order_id=order.pk,
        actor=world.operator,
        version=order.version,
        customer={"customer_comment": "Не звонить в звонок", "operator_comment": "Сложный клиент"},
        fields={
            "delivery_method": "within_mkad",
            "delivery_date": NOW.date(),
            "delivery_time_from": time(10),
            "delivery_time_to": time(14),
            "payment_method": "card",
            "paid_amount": Decimal("300"),
            "payment_status": "Частично оплачен",
            "delivery_note": NOTE,
        },
        now=NOW,
    )
    # when the delivery department opens the card
    client.force_login(world.delivery)
    page = card(client, order)
    facts = re.search(r"data-delivery-facts>.*?</dl>", page, re.S).group(0)
    # then every part of the address is there, labelled, not an empty one-line field
    for label, value in (("Подъезд", "3"), ("Этаж", "5"), ("Метро", "Охотный ряд")):
        assert re.search(rf"{label}:</span> {value}<", facts), label
    assert "Въезд со двора" in facts and "Тверская" in facts and "125009" in facts
    # and the day, window, method with its cost, payment, client and both comments
    assert "23.11.2026" in facts and "10:00–14:00" in facts
    assert "В пределах МКАД, 500\u00a0₽" in facts
    assert "Карта" in facts and "300\u00a0₽" in facts and "Частично оплачен" in facts
    with translation.override("ru"):
        assert f"<dd>{order.customer.get_type_display()}</dd>" in facts
    assert "Не звонить в звонок" in facts and "Сложный клиент" in facts
    # and the operator's note to delivery, flagged
    assert NOTE in page and "data-delivery-flag" in page


def test_the_delivery_list_flags_an_order_with_a_note_red_shop_7(client, shop_rates, cod):
    # given two orders handed to delivery, one with a note to the department
    world = shop_rates
    noted, plain = prepared(world, delivery_note=NOTE), prepared(world)
    for order in (noted, plain):
        svc.order_apply_outcome(
            order_id=order.pk,
            actor=world.operator,
            code="handed_to_delivery",
            fields={
                "delivery_date": NOW.date(),
                "delivery_time_from": time(10),
                "delivery_time_to": time(14),
            },
            now=NOW,
        )
    # when the delivery department opens its list
    client.force_login(world.delivery)
    response = client.get("/p/shop/delivery")
    page = response.content.decode()
    # then both are listed and only the one with a note carries the red flag
    assert response.status_code == 200
    rows = dict(re.findall(r'<tr data-order="(\d+)"([^>]*)>', page))
    assert rows[str(noted.pk)] == ' class="flagged"' and rows[str(plain.pk)] == ""
    assert page.count("data-delivery-flag") == 1
    # and another project's user, or a project without a delivery department, gets 404
    client.force_login(cod.operator)
    assert client.get("/p/shop/delivery").status_code == 404
    assert client.get("/p/cod/delivery").status_code == 404


def test_the_department_approves_a_short_window_on_the_card_then_it_is_handed_over_shop_7(
    client, shop_rates
):
    # given an operator who agreed a 90-minute window with the customer on the card
    world = shop_rates
    order = prepared(world)
    client.force_login(world.operator)
    page = card(client, order)
    assert 'name="delivery_window_approved"' not in page  # not the operator's to approve
    saved = edit_delivery(
        client,
        order,
        delivery_date="25.11.2026",
        delivery_time_from="10:00",
        delivery_time_to="11:30",
        delivery_note=NOTE,
    )
    assert saved.status_code == 303
    # when the operator hands it over: refused, naming SHOP-7, nothing changed
    refused = hand_over(client, order)
    assert refused.status_code == 303
    page = client.get(refused["Location"]).content.decode()
    badge = re.search(r"data-window-unapproved>([^<]+)<", page).group(1)
    assert "3" in badge and "(SHOP-7)" in badge  # the card says why, before the refusal
    assert Order.objects.get(pk=order.pk).status == "new"
    # when the delivery department approves the window on the card (its form: the approval
    # and the note only)
    client.force_login(world.delivery)
    page = card(client, order)
    form = re.search(r"data-delivery-form>.*?</form>", page, re.S).group(0)
    names = set(re.findall(r'name="((?:delivery|pay)[a-z_]+)"', form))
    assert {n for n in names if not n.endswith("__shown")} == {
        "delivery_window_approved",
        "delivery_note",
    }
    approved = edit_delivery(
        client,
        order,
        delivery_window_approved="on",
        delivery_window_approved__shown="1",
        delivery_note=NOTE,
    )
    assert approved.status_code == 303
    assert Order.objects.get(pk=order.pk).delivery_window_approved is True
    assert "data-window-approved" in card(client, order)
    # then the operator hands it over
    client.force_login(world.operator)
    handed = hand_over(client, order)
    assert handed.status_code == 302
    assert Order.objects.get(pk=order.pk).status == "handed_to_delivery"


def test_the_department_approves_while_an_operator_holds_the_order_shop_7(shop_rates):
    # given an order an operator holds (COD-9's claim) with a short window
    world = shop_rates
    order = prepared(
        world, delivery_date=NOW.date(), delivery_time_from=time(10), delivery_time_to=time(11)
    )
    Order.objects.filter(pk=order.pk).update(claimed_by=world.operator, claimed_at=NOW)
    # when the delivery department approves it
    saved = svc.order_update(
        order_id=order.pk,
        actor=world.delivery,
        version=None,
        fields={"delivery_window_approved": True},
        now=NOW,
    )
    # then it is approved: the claim keeps other operators out, not the department
    assert saved.delivery_window_approved is True


def test_a_new_window_after_the_approval_needs_a_new_approval_shop_7(shop_rates):
    # given a short window the department approved
    world = shop_rates
    order = prepared(
        world, delivery_date=NOW.date(), delivery_time_from=time(10), delivery_time_to=time(11)
    )
    svc.order_update(
        order_id=order.pk,
        actor=world.delivery,
        version=None,
        fields={"delivery_window_approved": True},
        now=NOW,
    )
    # when the operator moves the window
    moved = svc.order_update(
        order_id=order.pk,
        actor=world.operator,
        version=None,
        fields={"delivery_time_from": time(16), "delivery_time_to": time(17)},
        now=NOW,
    )
    # then the approval is gone: the department approved another window
    assert moved.delivery_window_approved is False


def test_payment_method_paid_amount_and_status_are_edited_on_the_card_shop_7(client, shop):
    # given a SHOP order
    order = shop.intake()
    client.force_login(shop.operator)
    form = re.search(r"data-delivery-form>.*?</form>", card(client, order), re.S).group(0)
    for name in ("payment_method", "paid_amount", "payment_status"):
        assert f'name="{name}"' in form
    # when the operator records a staged payment by card
    response = edit_delivery(
        client, order, payment_method="card", paid_amount="1 500,50", payment_status="Частично"
    )
    # then it is saved and shown
    assert response.status_code == 303
    saved = Order.objects.get(pk=order.pk)
    assert (saved.payment_method, saved.paid_amount, saved.payment_status) == (
        "card",
        Decimal("1500.50"),
        "Частично",
    )
    # and a payment method outside SHOP-7's list is refused next to its field
    refused = edit_delivery(client, order, payment_method="barter")
    page = client.get(refused["Location"]).content.decode()
    assert "(SHOP-7)" in page and Order.objects.get(pk=order.pk).payment_method == "card"


def test_the_delivery_department_sees_no_control_it_cannot_use_x_2(client, shop):
    # given a new SHOP order
    order = shop.intake()
    # when the delivery department opens it
    client.force_login(shop.delivery)
    page = card(client, order)
    # then no call, item, comment or customer form is offered (each would answer 403)
    for control in (
        "/items",
        "/call",
        "/comment",
        "/no-answer",
        'name="surname"',
        "data-delivery-find",
        "auto-next",
    ):
        assert control not in page, control
    # and what it may do is offered: its results and its fields
    assert 'data-outcome="done"' in page and 'name="delivery_window_approved"' in page
    assert 'data-outcome="handed_to_delivery"' not in page
    # while the operator still has every control
    client.force_login(shop.operator)
    page = card(client, order)
    assert "/items" in page and "/call" in page and 'name="surname"' in page


def test_a_short_window_waits_on_the_department_list_until_approved_shop_7(client, shop_rates):
    # given an open order with a 90-minute window, and one with a 3-hour window
    world = shop_rates
    short = prepared(
        world, delivery_date=NOW.date(), delivery_time_from=time(10), delivery_time_to=time(11, 30)
    )
    wide = prepared(
        world, delivery_date=NOW.date(), delivery_time_from=time(10), delivery_time_to=time(13)
    )
    client.force_login(world.delivery)
    # then only the short one waits for the department's approval
    page = client.get("/p/shop/delivery").content.decode()
    awaiting = re.search(r"data-awaiting>.*?</table>", page, re.S).group(0)
    assert f'data-order="{short.pk}"' in awaiting and f'data-order="{wide.pk}"' not in awaiting
    # when the department approves it, it no longer waits
    edit_delivery(
        client,
        short,
        delivery_window_approved="on",
        delivery_window_approved__shown="1",
        delivery_note="",
    )
    assert "data-awaiting" not in client.get("/p/shop/delivery").content.decode()


def test_an_operator_cannot_approve_the_window_nor_the_department_edit_payment_shop_7(
    client, shop_rates
):
    # given an order with a short window
    world = shop_rates
    order = prepared(
        world, delivery_date=NOW.date(), delivery_time_from=time(10), delivery_time_to=time(11)
    )
    # when the operator sends the approval anyway (a crafted form)
    client.force_login(world.operator)
    refused = edit_delivery(
        client, order, delivery_window_approved="on", delivery_window_approved__shown="1"
    )
    # then it is refused naming SHOP-7 next to the field, and nothing changed
    page = client.get(refused["Location"]).content.decode()
    assert "(SHOP-7)" in page
    assert Order.objects.get(pk=order.pk).delivery_window_approved is False
    # and the department sending a payment field is forbidden, nothing changed
    client.force_login(world.delivery)
    assert edit_delivery(client, order, paid_amount="100").status_code == 403
    assert Order.objects.get(pk=order.pk).paid_amount == Decimal("0")
