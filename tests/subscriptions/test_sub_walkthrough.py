"""Issue 15's walkthrough (SUB-3…6) through the inbound desk and the HTTP API with a frozen
clock: an unhappy subscriber phones in, is found by a phone typed in another format, will
think; phones again, cancels and buys the 12 remaining issues with the operator-only code
(999 → 552 each) during the call; the registry export has the right 1s and 12 issues.
Then the same purchase on the desk itself: the order placed with the interaction and the
code applied there (SUB-4, SUB-5), refusals shown as the desk shows rule violations."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from dozvon.interactions.models import Interaction
from dozvon.orders.models import Order
from dozvon.subscriptions.export import COLUMNS
from dozvon.subscriptions.models import Subscription, SubscriptionContact
from tests.conftest import NOW, Api, _world
from tests.subscriptions.conftest import written
from tests.subscriptions.test_promo_support import CODE, TWELVE, promo, twelve_left

DESK = "/p/sub/inbound"
RECORD = "/p/sub/inbound/record"
TYPED = "8 (916) 123-45-67"  # the subscriber's +79161234567 as an operator types it
LATER = NOW + timedelta(days=3, hours=2)


def _call(client, s, outcome, **extra):
    data = {
        "phone": TYPED,
        "line": "first",
        "subject": "недоволен ускоренной подпиской",
        "comment": f"объяснили приостановку: {outcome}",
        "subscription": str(s.pk),
        "outcome": outcome,
        **extra,
    }
    return client.post(RECORD, data)


def _found_on_the_desk(client, s):
    page = client.get(DESK, {"q": TYPED})
    assert page.status_code == 200
    callers = page.context["callers"]
    assert [c["customer"].pk for c in callers] == [s.customer_id]
    (row,) = callers[0]["subscriptions"]
    assert row["subscription"].pk == s.pk and row["purchasable"] == TWELVE
    return page


def _registry_row(client, s) -> dict:
    response = client.get("/p/sub/subscriptions/registry.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == [name for name, _ in COLUMNS]
    (found,) = [r for r in rows[1:] if r[0] == s.number]
    return dict(zip(rows[0], found, strict=True))


def _assert_registry(client, s, *, will_think=1, bought_all=1, bought_some=0):
    row = _registry_row(client, s)
    assert row["Обращений"] == 2
    assert row["Подумает"] == will_think
    assert row["Купил все оставшиеся выпуски"] == bought_all
    assert row["Купил часть оставшихся выпусков"] == bought_some
    assert row["Остался на ускоренном плане"] == 0
    assert row["Просит вернуть деньги"] == 0
    assert row["Возврат передан партнёру"] == 0
    assert row["Куплено выпусков"] == 12
    assert row["Номера купленных выпусков"] == ", ".join(map(str, TWELVE))
    assert row["Статус"] == "отменена"
    assert row["Дата первого обращения"].date() == NOW.date()
    assert CODE.lower() not in " ".join(str(v) for v in row.values()).lower()


def test_unhappy_subscriber_thinks_then_buys_12_issues_at_552_registry_row_SUB_3_4_5_6(sub, client):
    # given a green subscriber with 12 remaining issues at 999 and the operator-only code
    s = twelve_left(sub)
    promo(sub)
    client.force_login(sub.operator)
    # when they phone in, are found by a phone in another format and will think
    with time_machine.travel(NOW, tick=False):
        _found_on_the_desk(client, s)
        assert _call(client, s, "will_think").status_code == 303
    s.refresh_from_db()
    assert (s.status, s.contacts, s.first_contact_at) == ("active", 1, NOW)
    # and phone again: during the call the operator orders the 12 issues, applies the code
    with time_machine.travel(LATER, tick=False):
        _found_on_the_desk(client, s)
        api = Api(sub.operator, lang="en")
        placed = api.post(f"/subscriptions/{s.pk}/order", {"issues": TWELVE})
        assert placed.status_code == 201, placed.data
        applied = api.post(f"/orders/{placed.data['id']}/promo", {"code": CODE})
        assert applied.status_code == 200, applied.data
        # and records the contact: bought all remaining issues
        assert _call(client, s, "bought_all").status_code == 303
    # then 12 items at 552 each, the subscription cancelled, two contacts in the registry
    order = Order.objects.get(pk=placed.data["id"])
    assert {(i.unit_price - i.discount_amount, i.quantity) for i in order.items.all()} == {
        (Decimal("552.00"), 1)
    }
    assert order.items.count() == 12 and order.total == Decimal("6624.00")
    s.refresh_from_db()
    assert (s.status, s.cancelled_at, s.contacts) == ("cancelled", LATER, 2)
    contacts = list(SubscriptionContact.objects.filter(subscription=s).order_by("at"))
    assert [(c.outcome, c.issues) for c in contacts] == [("will_think", []), ("bought_all", TWELVE)]
    client.force_login(sub.supervisor)
    _assert_registry(client, s)


# --- SUB-4 and SUB-5 on the desk ----------------------------------------------------------


def _desk_errors(client, response) -> dict[str, list[str]]:
    assert response.status_code == 303
    return client.get(response["Location"]).context["errors"]


@pytest.fixture
def _frozen():
    with time_machine.travel(LATER, tick=False):
        yield


def test_the_desk_places_the_order_with_the_interaction_and_applies_the_code_SUB_4_SUB_5(
    sub, client, _frozen
):
    # given a subscriber with 12 remaining issues found on the desk by a typed phone
    s = twelve_left(sub)
    promo(sub)
    client.force_login(sub.operator)
    _found_on_the_desk(client, s)
    # when the operator records "bought all" and places the order in the same step
    placed = _call(client, s, "bought_all", place_order="1", payment_method="cod")
    assert placed.status_code == 303
    order = Order.objects.get()
    desk = client.get(placed["Location"])
    assert desk.context["placed"]["order"].pk == order.pk
    assert f'href="{reverse("web:order", args=[order.pk])}"' in desk.content.decode()
    # then one order of the 12 issues at 999, the contact and the cancellation together
    assert order.items.count() == 12 and order.total == Decimal("11988.00")
    assert order.payment_method == "cod" and order.extra["subscription_issues"] == TWELVE
    s.refresh_from_db()
    assert (s.status, s.cancelled_at) == ("cancelled", LATER)
    contact = SubscriptionContact.objects.get(subscription=s)
    assert (contact.outcome, contact.issues) == ("bought_all", TWELVE)
    # when the operator applies the code on the desk
    applied = client.post(RECORD, {"promo_order": str(order.pk), "code": CODE.lower()})
    assert applied.status_code == 303
    desk = client.get(applied["Location"])
    assert desk.context["placed"]["order"].total == Decimal("6624.00")
    assert desk.context["placed"]["special_discount"] is True
    order.refresh_from_db()
    assert order.total == Decimal("6624.00") and order.extra["special_discount"] is True
    assert CODE.lower() not in desk.content.decode().lower()


def test_bought_some_orders_only_the_chosen_issues_SUB_4(sub, client, _frozen):
    s = twelve_left(sub)
    client.force_login(sub.operator)
    response = _call(client, s, "bought_some", place_order="1", **{f"issues_{s.pk}": ["90", "95"]})
    assert response.status_code == 303
    order = Order.objects.get()
    assert [i.sku for i in order.items.order_by("sku")] == ["IM-090", "IM-095"]
    assert SubscriptionContact.objects.get().issues == [90, 95]


def test_an_order_for_an_outcome_that_buys_nothing_is_refused_and_nothing_written_SUB_4(
    sub, client, _frozen
):
    s = twelve_left(sub)
    client.force_login(sub.operator)
    before = (*written(), Order.objects.count())
    errors = _desk_errors(client, _call(client, s, "will_think", place_order="1"))
    assert any("(SUB-4)" in e for e in errors["outcome"])
    assert (*written(), Order.objects.count()) == before


def test_a_refused_order_writes_neither_the_order_nor_the_interaction_SUB_4(sub, client, _frozen):
    s = twelve_left(sub)
    client.force_login(sub.operator)
    before = (*written(), Order.objects.count())
    errors = _desk_errors(
        client, _call(client, s, "bought_all", place_order="1", payment_method="gold")
    )
    assert errors["payment_method"]
    assert (*written(), Order.objects.count()) == before
    assert Subscription.objects.get(pk=s.pk).status == "active"
    # a refused contact (bought some naming every issue) takes the order back with it
    errors = _desk_errors(
        client,
        _call(client, s, "bought_some", place_order="1", **{f"issues_{s.pk}": TWELVE}),
    )
    assert any("(SUB-3)" in e for e in errors["outcome"])
    assert (*written(), Order.objects.count()) == before


def test_an_expired_or_unknown_code_is_refused_on_the_desk_SUB_5(sub, client, _frozen):
    s = twelve_left(sub)
    promo(sub, valid_until=(LATER - timedelta(days=2)).date())
    client.force_login(sub.operator)
    _call(client, s, "bought_all", place_order="1")
    order = Order.objects.get()
    for code in (CODE, "NOPE"):
        errors = _desk_errors(client, client.post(RECORD, {"promo_order": order.pk, "code": code}))
        assert any("(SUB-5)" in e for e in errors["code"]), code
    order.refresh_from_db()
    assert order.total == Decimal("11988.00")


def test_another_projects_operator_gets_404_on_the_desk_order_and_code(sub, client, _frozen):
    s = twelve_left(sub)
    promo(sub)
    client.force_login(sub.operator)
    _call(client, s, "bought_all", place_order="1")
    order = Order.objects.get()
    stranger = _world("sub", "sub-other").operator
    client.force_login(stranger)
    assert client.post(RECORD, {"promo_order": order.pk, "code": CODE}).status_code == 404
    assert (
        client.post(
            "/p/sub-other/inbound/record", {"promo_order": order.pk, "code": CODE}
        ).status_code
        == 404
    )
    order.refresh_from_db()
    assert order.total == Decimal("11988.00")
    assert Interaction.objects.count() == 1
