"""Issue 23, item 16 (SUB-5): a supervisor creates, ends and lists the project's promo
codes on the project's page and through `GET/POST /projects/{slug}/promo-codes`,
`PATCH /promo-codes/{id}` (API.md round 3) — operators never list them (403), another
project's are not found (404); the demo ships the seed's code, active; an operator
applies a code on the order card any time the order is open and the card shows the
special discount with its amount."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.template.loader import render_to_string

from dozvon.audit.models import AuditEntry
from dozvon.orders.models import Order
from dozvon.orders.services.outcomes import order_apply_outcome
from dozvon.subscriptions import promo_rules
from dozvon.subscriptions.demo import PROMO_CODE, build_subscriptions_demo
from dozvon.subscriptions.models import PromoCode
from dozvon.subscriptions.ordering import subscription_order_remaining
from dozvon.subscriptions.promo import promo_apply
from dozvon.subscriptions.promo_card import promo_card_context
from tests.conftest import NOW, _world
from tests.subscriptions.test_promo_support import CODE, TWELVE, promo, twelve_left

LIST = "/projects/sub/promo-codes"
NEW = {
    "code": "zelenka 447",
    "collection": "im",
    "discount_amount": "447.00",
    "ends_on": "2099-12-31",
}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def written():
    return PromoCode.objects.count(), AuditEntry.objects.filter(target_type="promo_code").count()


def _errors(response) -> list[tuple[str, str]]:
    return [(e["rule"], e["field"]) for e in response.data["errors"]]


# --- the rules ------------------------------------------------------------------------------

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("code", "amount", "ends_on", "expected"),
    [
        ("ЖЕЛЕЗНЫЙЧЕЛОВЕК", Decimal("447"), date(2026, 12, 31), []),
        ("sub 447", Decimal("447.00"), TODAY, []),  # the last day may be today
        ("", Decimal("447"), TODAY, [("SUB-5", "code")]),
        ("A" * 65, Decimal("447"), TODAY, [("SUB-5", "code")]),
        ("ЖЧ!447", Decimal("447"), TODAY, [("SUB-5", "code")]),
        ("SUB447", Decimal("0"), TODAY, [("SUB-5", "discount_amount")]),
        ("SUB447", Decimal("447.001"), TODAY, [("SUB-5", "discount_amount")]),
        ("SUB447", None, TODAY, [("SUB-5", "discount_amount")]),
        ("SUB447", Decimal("447"), date(2026, 11, 22), [("SUB-5", "ends_on")]),
        ("", None, None, [("SUB-5", "code"), ("SUB-5", "discount_amount"), ("SUB-5", "ends_on")]),
    ],
)
def test_a_new_code_is_checked_every_refusal_at_once_SUB_5(code, amount, ends_on, expected):
    found = promo_rules.check_promo(code=code, discount_amount=amount, ends_on=ends_on, today=TODAY)
    assert [(v.rule, v.field) for v in found] == expected
    assert all(code not in v.render() for v in found if code)  # never repeats the code


def test_a_taken_code_and_an_unknown_collection_are_refused_SUB_5():
    found = promo_rules.check_promo(
        code="SUB447",
        discount_amount=Decimal("447"),
        ends_on=TODAY,
        today=TODAY,
        taken=True,
        collection_known=False,
    )
    assert [(v.rule, v.field) for v in found] == [("SUB-5", "code"), ("SUB-5", "collection")]


@pytest.mark.parametrize(
    ("text", "expected"), [("447", "447"), ("447,50", "447.50"), (" 1 000 ", "1000"), ("x", None)]
)
def test_an_amount_is_read_as_typed(text, expected):
    parsed = promo_rules.parse_amount(text)
    assert parsed == (Decimal(expected) if expected else None)


# --- the API --------------------------------------------------------------------------------


def test_a_supervisor_creates_lists_and_ends_a_code_through_the_api_SUB_5(sub, api_for):
    api = api_for(sub.supervisor)
    # when the supervisor creates a code
    created = api.post(LIST, NEW)
    # then it is kept normalised, for the collection's issues, active
    assert created.status_code == 201, created.data
    body = created.data
    assert (body["code"], body["collection"], body["discount_amount"]) == (
        "ZELENKA447",
        "im",
        "447.00",
    )
    assert (body["ends_on"], body["active"], body["applied"]) == ("2099-12-31", True, 0)
    assert len(body["products"]) == 100 and body["products"][0] == "IM-001"
    # and the list shows it
    listed = api.get(LIST)
    assert listed.status_code == 200
    assert [p["id"] for p in listed.data["items"]] == [body["id"]] and listed.data["count"] == 1
    # when the supervisor ends it
    ended = api.patch(f"/promo-codes/{body['id']}", {"active": False})
    assert ended.status_code == 200, ended.data
    assert ended.data["active"] is False
    assert api.get(LIST, active="true").data["count"] == 0
    # then an operator can no longer apply it, and nothing changes on the order
    order = subscription_order_remaining(
        subscription_id=twelve_left(sub).pk, issues=TWELVE, actor=sub.operator, now=NOW
    )
    applied = api_for(sub.operator).post(f"/orders/{order.pk}/promo", {"code": "ZELENKA447"})
    assert applied.status_code == 422 and _errors(applied) == [("SUB-5", "code")]
    assert Order.objects.get(pk=order.pk).total == Decimal("999.00") * 12


def test_a_supervisor_moves_the_last_day_and_the_code_works_again_SUB_5(sub, api_for):
    # given a code that ended yesterday
    old = promo(sub, valid_until=date(2026, 11, 22))
    order = subscription_order_remaining(
        subscription_id=twelve_left(sub).pk, issues=TWELVE, actor=sub.operator, now=NOW
    )
    # when the supervisor sets a later last day
    moved = api_for(sub.supervisor).patch(f"/promo-codes/{old.pk}", {"ends_on": "2026-12-31"})
    assert moved.status_code == 200, moved.data
    # then the operator's code applies: 999 → 552
    promo_apply(order_id=order.pk, code=CODE, actor=sub.operator, now=NOW)
    assert Order.objects.get(pk=order.pk).total == Decimal("552.00") * 12


def test_a_taken_code_is_refused_and_nothing_written_SUB_5(sub, api_for):
    api = api_for(sub.supervisor)
    assert api.post(LIST, NEW).status_code == 201
    before = written()
    again = api.post(LIST, {**NEW, "code": "ZELENKA447"})
    assert again.status_code == 422 and _errors(again) == [("SUB-5", "code")]
    bad = api.post(LIST, {**NEW, "code": "NEW1", "collection": "bm", "ends_on": "2020-01-01"})
    assert bad.status_code == 422
    assert _errors(bad) == [("SUB-5", "collection"), ("SUB-5", "ends_on")]
    assert written() == before


@pytest.mark.parametrize("method", ["get", "post", "patch"])
def test_an_operator_may_not_list_create_or_end_codes_SUB_5(sub, api_for, method):
    # given a code known to the operator
    code = promo(sub)
    before = written()
    api = api_for(sub.operator)
    # when the operator lists, creates or ends one
    response = {
        "get": lambda: api.get(LIST),
        "post": lambda: api.post(LIST, {**NEW, "code": "MINE"}),
        "patch": lambda: api.patch(f"/promo-codes/{code.pk}", {"active": False}),
    }[method]()
    # then 403, and nothing written
    assert response.status_code == 403
    assert written() == before and PromoCode.objects.get().active


def test_another_projects_codes_are_not_found_SUB_5(sub, api_for):
    code = promo(sub)
    other = _world("sub", "sub2")
    api = api_for(other.supervisor)
    assert api.get(LIST).status_code == 404
    assert api.post(LIST, NEW).status_code == 404
    assert api.patch(f"/promo-codes/{code.pk}", {"active": False}).status_code == 404
    assert PromoCode.objects.get().active


def test_a_project_without_subscriptions_has_no_codes(cod, api_for):
    refused = api_for(cod.supervisor).post("/projects/cod/promo-codes", NEW)
    assert refused.status_code == 422 and _errors(refused) == [("X-1", "project")]


# --- the supervisor's page ------------------------------------------------------------------


def test_a_supervisor_creates_and_ends_a_code_on_the_page_SUB_5(sub, client):
    client.force_login(sub.supervisor)
    page = client.get("/p/sub/promo-codes")
    assert page.status_code == 200
    # when the supervisor fills the form
    saved = client.post("/p/sub/promo-codes", {**NEW, "discount_amount": "447,00"})
    assert saved.status_code == 303
    code = PromoCode.objects.get()
    assert (code.code, code.discount_amount, code.active) == ("ZELENKA447", Decimal("447"), True)
    shown = client.get("/p/sub/promo-codes").content.decode()
    assert f'data-promo="{code.pk}" data-active="1"' in shown
    # and a refused form shows the rule by its field, keeping what was typed
    refused = client.post("/p/sub/promo-codes", {**NEW, "discount_amount": "много"})
    page = client.get(refused["Location"])
    assert any("(SUB-5)" in e for e in page.context["errors"]["discount_amount"])
    assert page.context["form"]["discount_amount"] == "много"
    # when the supervisor ends it
    ended = client.post(f"/p/sub/promo-codes/{code.pk}/end")
    assert ended.status_code == 303
    assert PromoCode.objects.get().active is False


def test_an_operator_never_sees_the_codes_page_SUB_5(sub, client):
    promo(sub)
    client.force_login(sub.operator)
    assert client.get("/p/sub/promo-codes").status_code == 403
    assert client.post("/p/sub/promo-codes", NEW).status_code == 403
    assert PromoCode.objects.count() == 1
    assert "promo-codes" not in client.get("/p/sub/subscriptions").content.decode()


# --- the order card -------------------------------------------------------------------------


def _order(sub):
    return subscription_order_remaining(
        subscription_id=twelve_left(sub).pk, issues=TWELVE, actor=sub.operator, now=NOW
    )


def test_an_operator_applies_the_code_on_the_card_later_and_sees_the_discount_SUB_5(sub, client):
    # given an order placed earlier, and the project's code
    order = _order(sub)
    promo(sub)
    client.force_login(sub.operator)
    # the card's block offers the code, no special discount yet
    before = promo_card_context(order=order, user=sub.operator)
    assert before["open"] and not before["special_discount"]
    # when the operator applies it from the card
    applied = client.post(f"/orders/{order.pk}/promo", {"code": " zelenka447 "})
    # then back on the card, and the order shows the special discount with its amount
    assert applied.status_code == 303 and applied["Location"] == f"/orders/{order.pk}/"
    order = Order.objects.get(pk=order.pk)
    assert order.total == Decimal("552.00") * 12
    shown = promo_card_context(order=order, user=sub.operator)
    assert shown["special_discount"] is True
    assert shown["per_unit"] == [Decimal("447.00")] and shown["units"] == 12
    assert shown["total"] == Decimal("447.00") * 12


def test_a_refused_code_is_shown_by_the_card_block_once_and_nothing_changes_SUB_5(sub, client):
    order = _order(sub)
    promo(sub)
    client.force_login(sub.operator)
    refused = client.post(f"/orders/{order.pk}/promo", {"code": "WRONG"})
    assert refused.status_code == 303
    assert Order.objects.get(pk=order.pk).total == Decimal("999.00") * 12
    session = client.session
    shown = promo_card_context(order=order, user=sub.operator, session=session)
    assert shown["errors"] and all("(SUB-5)" in e for e in shown["errors"])
    assert all("WRONG" not in e for e in shown["errors"])
    assert promo_card_context(order=order, user=sub.operator, session=session)["errors"] == []


def test_the_card_block_is_absent_without_codes_or_for_who_may_not_apply_SUB_5(sub, cod):
    order = _order(sub)
    # no code in the project: no block
    assert promo_card_context(order=order, user=sub.operator) is None
    promo(sub)
    assert promo_card_context(order=order, user=sub.delivery) is None  # not an operator
    assert promo_card_context(order=order, user=cod.operator) is None  # another project
    assert promo_card_context(order=order, user=sub.supervisor) is not None


def test_another_projects_order_is_not_found_from_the_card_SUB_5(sub, client):
    order = _order(sub)
    promo(sub)
    other = _world("sub", "sub2")
    client.force_login(other.operator)
    assert client.post(f"/orders/{order.pk}/promo", {"code": CODE}).status_code == 404
    client.force_login(sub.delivery)
    assert client.post(f"/orders/{order.pk}/promo", {"code": CODE}).status_code == 403
    assert Order.objects.get(pk=order.pk).total == Decimal("999.00") * 12


def test_the_block_renders_the_special_discount_never_the_code_SUB_5(sub):
    order = _order(sub)
    promo(sub)
    promo_apply(order_id=order.pk, code=CODE, actor=sub.operator, now=NOW)
    order = Order.objects.get(pk=order.pk)
    html = render_to_string(
        "subscriptions/_promo_card.html",
        {"promo": promo_card_context(order=order, user=sub.operator)},
    )
    assert "data-special-discount" in html and CODE not in html
    assert 'data-special-discount="5364.00"' in html
    assert "−447" in html and "364" in html


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_ships_the_seeds_code_active_SUB_5(db, now):
    build_subscriptions_demo(now=now)
    code = PromoCode.objects.get(project__slug="subscriptions-demo")
    assert (code.code, code.discount_amount, code.active) == (PROMO_CODE, Decimal("447.00"), True)
    assert code.collection.code == "im" and code.valid_until == date(now.year + 1, 12, 31)


def test_a_closed_order_offers_no_code_and_a_forged_one_is_refused_on_the_card_X_7(sub, client):
    # given an order done and the project's code
    order = _order(sub)
    promo(sub)
    order = order_apply_outcome(order_id=order.pk, actor=sub.operator, code="done", now=NOW)
    # then the block shows no form
    assert promo_card_context(order=order, user=sub.operator)["open"] is False
    # and a forged POST is refused with the closed order's rule, nothing changes
    client.force_login(sub.operator)
    refused = client.post(f"/orders/{order.pk}/promo", {"code": CODE})
    assert refused.status_code == 303
    shown = promo_card_context(order=order, user=sub.operator, session=client.session)
    assert any("(X-7)" in e for e in shown["errors"])
    assert Order.objects.get(pk=order.pk).total == Decimal("999.00") * 12
