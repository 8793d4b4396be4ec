"""Editing an order through the API: PATCH with optimistic `version` (409 when stale),
edits logged as old → new (X-6), phone search in any format (X-4), lists (pagination,
newest first), the timeline (oldest first), items (COD-11) and comments."""

from __future__ import annotations

from datetime import timedelta

from tests.api.support import (
    assert_refused,
    call,
    intake,
    intake_body,
    outcome,
    parse,
    real_now,
    snapshot,
)


def _order(world, api_for, **overrides) -> dict:
    return intake(api_for(world.partner), world, **overrides)


# --- PATCH ------------------------------------------------------------------------------


def test_patch_edits_customer_fields_and_logs_old_to_new_x_6(cod, api_for):
    # given an order of "Тестов Тест Тестович"
    order = _order(cod, api_for)
    api = api_for(cod.operator)
    # when the operator corrects the name, email and gender with the current version
    response = api.patch(
        f"/orders/{order['id']}",
        {
            "version": order["version"],
            "customer": {
                "surname": "Петров",
                "first_name": "Пётр",
                "email": "petrov@example.com",
                "gender": "male",
            },
        },
    )
    # then the order shows the new data under a new version
    assert response.status_code == 200, response.data
    customer = response.data["customer"]
    assert (customer["surname"], customer["first_name"]) == ("Петров", "Пётр")
    assert customer["email"] == "petrov@example.com"
    assert customer["gender"] == "male"
    assert response.data["version"] == order["version"] + 1
    # and the timeline has one edit line per field, old → new
    edits = [e for e in api.get(f"/orders/{order['id']}/timeline").data if e["kind"] == "edit"]
    by_field = {e["data"]["field"]: e for e in edits}
    assert set(by_field) == {
        "customer.surname",
        "customer.first_name",
        "customer.email",
        "customer.gender",
    }
    surname = by_field["customer.surname"]
    assert surname["data"]["old"] == order["customer"]["surname"]
    assert surname["data"]["new"] == "Петров"
    assert "→" in surname["text"]
    assert order["customer"]["surname"] in surname["text"] and "Петров" in surname["text"]
    assert surname["actor"] == cod.operator.username
    assert by_field["customer.email"]["data"] == {
        "field": "customer.email",
        "old": "",
        "new": "petrov@example.com",
    }


def test_patch_edits_delivery_fields_and_recomputes_the_total_x_5(shop, api_for):
    # given a SHOP order for 1000.00
    order = _order(shop, api_for)
    api = api_for(shop.operator)
    day = (real_now() + timedelta(days=2)).date().isoformat()
    # when the operator fills the delivery data and its cost
    response = api.patch(
        f"/orders/{order['id']}",
        {
            "version": order["version"],
            "delivery_method": "within_mkad",
            "delivery_address": {"city": "Москва", "street": "Тверская", "house": "1"},
            "delivery_date": day,
            "delivery_time_from": "10:00",
            "delivery_time_to": "14:00",
            "delivery_cost": "350",
            "payment_method": "cash",
            "delivery_note": "Домофон не работает",
        },
    )
    # then the order carries them, the total includes delivery, and delivery is flagged
    assert response.status_code == 200, response.data
    data = response.data
    assert data["delivery_address"]["city"] == "Москва"
    assert data["delivery_date"] == day
    assert (data["delivery_time_from"], data["delivery_time_to"]) == ("10:00", "14:00")
    assert data["delivery_method"] == "within_mkad"
    assert data["payment_method"] == "cash"
    assert (data["goods_total"], data["delivery_cost"], data["total"]) == (
        "1000.00",
        "350.00",
        "1350.00",
    )
    assert data["delivery_flag"] is True
    assert data["version"] == order["version"] + 1
    # and each change is one edit line
    edits = [e for e in api.get(f"/orders/{order['id']}/timeline").data if e["kind"] == "edit"]
    fields = {e["data"]["field"] for e in edits}
    assert {"delivery_address", "delivery_date", "delivery_cost", "payment_method"} <= fields
    cost = next(e for e in edits if e["data"]["field"] == "delivery_cost")
    assert "→" in cost["text"] and "350" in cost["text"]


def test_patch_with_a_stale_version_is_409_and_changes_nothing(cod, api_for):
    # given an order two people opened; the first saved an edit
    order = _order(cod, api_for)
    first, second = api_for(cod.operator), api_for(cod.supervisor)
    saved = first.patch(
        f"/orders/{order['id']}",
        {"version": order["version"], "customer": {"surname": "Первый"}},
    )
    assert saved.status_code == 200, saved.data
    before = snapshot(first, order["id"])
    # when the second saves with the version they loaded
    response = second.patch(
        f"/orders/{order['id']}",
        {"version": order["version"], "customer": {"surname": "Второй"}},
    )
    # then it is a conflict that tells the current version, and nothing changed
    assert response.status_code == 409, response.data
    assert response.data["version"] == saved.data["version"]
    assert response.data["detail"]
    assert snapshot(first, order["id"]) == before
    # and retrying with the current version works
    retry = second.patch(
        f"/orders/{order['id']}",
        {"version": saved.data["version"], "customer": {"surname": "Второй"}},
    )
    assert retry.status_code == 200, retry.data
    assert retry.data["customer"]["surname"] == "Второй"


def test_patch_without_changes_keeps_the_version_and_the_timeline(cod, api_for):
    order = _order(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order["id"])
    response = api.patch(
        f"/orders/{order['id']}",
        {"version": order["version"], "customer": {"surname": order["customer"]["surname"]}},
    )
    assert response.status_code == 200, response.data
    assert snapshot(api, order["id"]) == before


def test_a_call_bumps_the_version_so_an_old_patch_conflicts(cod, api_for):
    order = _order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order["id"], "no_answer")
    before = snapshot(api, order["id"])
    response = api.patch(
        f"/orders/{order['id']}", {"version": order["version"], "delivery_note": "x"}
    )
    # then it conflicts, telling the version the call left, and nothing changed
    assert response.status_code == 409, response.data
    assert response.data["version"] == before["order"]["version"] > order["version"]
    assert snapshot(api, order["id"]) == before


def test_patch_main_phone_is_stored_in_e164_and_logged_x_4(cod, api_for):
    order = _order(cod, api_for)
    api = api_for(cod.operator)
    response = api.patch(
        f"/orders/{order['id']}",
        {"version": order["version"], "customer": {"phone": "8 (926) 700-11-22"}},
    )
    assert response.status_code == 200, response.data
    assert response.data["customer"]["phone"] == "+79267001122"
    edit = [e for e in api.get(f"/orders/{order['id']}/timeline").data if e["kind"] == "edit"]
    assert edit[-1]["data"] == {
        "field": "customer.phone",
        "old": order["customer"]["phone"],
        "new": "+79267001122",
    }
    found = api.get("/projects/cod/orders", phone="926 700 11 22")
    assert [o["id"] for o in found.data["items"]] == [order["id"]]


def test_extra_phones_are_stored_in_e164_and_searchable_x_4(cod, api_for):
    # given an order whose customer gave a second number
    order = _order(cod, api_for)
    api = api_for(cod.operator)
    response = api.patch(
        f"/orders/{order['id']}",
        {"version": order["version"], "customer": {"extra_phones": ["8 903 555-44-33"]}},
    )
    assert response.status_code == 200, response.data
    assert response.data["customer"]["extra_phones"] == ["+79035554433"]
    # when anyone searches by that number in any format
    for typed in ("+7 (903) 555-44-33", "89035554433", "9035554433"):
        by_phone = api.get("/projects/cod/orders", phone=typed)
        by_q = api.get("/projects/cod/orders", q=typed)
        # then the order is found
        assert [o["id"] for o in by_phone.data["items"]] == [order["id"]], typed
        assert [o["id"] for o in by_q.data["items"]] == [order["id"]], typed
    # and a new order from that number lands on the same customer
    body = intake_body(cod)
    body["customer"]["phone"] = "+79035554433"
    again = api_for(cod.partner).post("/projects/cod/orders", body)
    assert again.data["customer"]["id"] == response.data["customer"]["id"]


def test_removing_an_extra_phone_makes_it_unsearchable_x_4(cod, api_for):
    order = _order(cod, api_for)
    api = api_for(cod.operator)
    added = api.patch(
        f"/orders/{order['id']}",
        {"version": order["version"], "customer": {"extra_phones": ["+79035554433"]}},
    )
    removed = api.patch(
        f"/orders/{order['id']}",
        {"version": added.data["version"], "customer": {"extra_phones": []}},
    )
    assert removed.status_code == 200, removed.data
    assert removed.data["customer"]["extra_phones"] == []
    assert api.get("/projects/cod/orders", phone="+79035554433").data["count"] == 0


def test_delivery_may_patch_only_its_note_and_approval_shop_7(shop, api_for):
    order = _order(shop, api_for)
    delivery = api_for(shop.delivery)
    response = delivery.patch(
        f"/orders/{order['id']}",
        {"version": order["version"], "delivery_note": "Курьер будет после 15:00"},
    )
    assert response.status_code == 200, response.data
    assert response.data["delivery_note"] == "Курьер будет после 15:00"
    other = delivery.patch(
        f"/orders/{order['id']}",
        {"version": response.data["version"], "delivery_cost": "0.00"},
    )
    assert other.status_code == 403, other.data


# --- search and lists -------------------------------------------------------------------


def test_search_by_phone_finds_the_order_in_any_format_x_4(cod, api_for):
    # given an order from +7 916 123-45-67 and another customer's order
    body = intake_body(cod)
    body["customer"]["phone"] = "+79161234567"
    order = api_for(cod.partner).post("/projects/cod/orders", body).data
    _order(cod, api_for)
    api = api_for(cod.operator)
    for typed in (
        "8 916 123-45-67",
        "+7 (916) 123-45-67",
        "9161234567",
        "79161234567",
        "8-916-123-45-67",
        "+79161234567",
    ):
        # when the operator searches with the phone typed in this way
        response = api.get("/projects/cod/orders", phone=typed)
        # then exactly that order is found
        assert response.status_code == 200, response.data
        assert [o["id"] for o in response.data["items"]] == [order["id"]], typed
        assert response.data["items"][0]["phone"] == "+79161234567"


def test_search_by_name_ignores_case_also_in_cyrillic(cod, api_for):
    # given an order of "Рябинина Ольга Сергеевна" and another customer's order
    body = intake_body(cod)
    body["customer"]["name"] = "Рябинина Ольга Сергеевна"
    order = api_for(cod.partner).post("/projects/cod/orders", body).data
    _order(cod, api_for)
    api = api_for(cod.operator)
    for typed in ("Рябинина", "рябинина", "РЯБИНИНА", "ольга"):
        # when the operator searches by the name typed in any case
        response = api.get("/projects/cod/orders", q=typed)
        # then exactly that order is found
        assert [o["id"] for o in response.data["items"]] == [order["id"]], typed


def test_search_by_external_id_or_order_id(cod, api_for):
    order = _order(cod, api_for, external_id="777001")
    _order(cod, api_for)
    api = api_for(cod.operator)
    for typed in ("777001", str(order["id"])):
        response = api.get("/projects/cod/orders", q=typed)
        assert order["id"] in [o["id"] for o in response.data["items"]], typed


def test_list_is_paginated_with_the_contract_shape(cod, api_for):
    # given 25 orders
    partner = api_for(cod.partner)
    for _ in range(25):
        intake(partner, cod)
    api = api_for(cod.operator)
    # when the operator reads the list page by page
    first = api.get("/projects/cod/orders")
    second = api.get("/projects/cod/orders", page=2, page_size=20)
    third = api.get("/projects/cod/orders", page=3, page_size=20)
    # then each page has the contract shape and the pages cover everything once
    assert set(first.data) >= {"items", "count", "page", "page_size"}
    assert (first.data["count"], first.data["page"], first.data["page_size"]) == (25, 1, 20)
    assert len(first.data["items"]) == 20
    assert (second.data["page"], len(second.data["items"])) == (2, 5)
    assert third.data["items"] == [] and third.data["count"] == 25
    ids = [o["id"] for o in first.data["items"] + second.data["items"]]
    assert len(set(ids)) == 25
    small = api.get("/projects/cod/orders", page_size=100)
    assert len(small.data["items"]) == 25


def test_pages_keep_the_newest_first_order_across_page_boundaries(cod, api_for):
    # given orders placed at seven different moments
    partner = api_for(cod.partner)
    now = real_now()
    for hours in (5, 1, 7, 3, 2, 6, 4):
        intake(partner, cod, created_at=(now - timedelta(hours=hours)).isoformat())
    api = api_for(cod.operator)
    # when the list is read in pages of three
    pages = [api.get("/projects/cod/orders", page=n, page_size=3).data for n in (1, 2, 3)]
    # then the pages joined are the whole list newest first, each page in order
    joined = [o["created_at"] for page in pages for o in page["items"]]
    assert [len(page["items"]) for page in pages] == [3, 3, 1]
    assert joined == sorted(joined, reverse=True)
    whole = api.get("/projects/cod/orders", page_size=100).data["items"]
    assert [o["id"] for page in pages for o in page["items"]] == [o["id"] for o in whole]


def test_digits_search_ids_and_phones_not_names_x_4(cod, api_for):
    # given an order whose id is typed, and a customer whose name carries those digits
    order = _order(cod, api_for)
    body = intake_body(cod)
    body["customer"]["name"] = f"Петров {order['id']}"
    named = api_for(cod.partner).post("/projects/cod/orders", body).data
    api = api_for(cod.operator)
    # when the operator searches by the bare number
    found = [o["id"] for o in api.get("/projects/cod/orders", q=str(order["id"])).data["items"]]
    # then the order with that id is found, not the name that happens to contain it
    assert found == [order["id"]]
    # and with a letter in the query the name is searched
    by_name = api.get("/projects/cod/orders", q=f"петров {order['id']}").data["items"]
    assert [o["id"] for o in by_name] == [named["id"]]


def test_search_of_punctuation_alone_matches_it_literally_not_everything(cod, api_for):
    _order(cod, api_for)
    response = api_for(cod.operator).get("/projects/cod/orders", q="--")
    assert response.status_code == 200
    assert response.data["count"] == 0


def test_list_is_newest_first(cod, api_for):
    # given orders placed on three different days, taken in out of order
    partner = api_for(cod.partner)
    now = real_now()
    middle = intake(partner, cod, created_at=(now - timedelta(days=2)).isoformat())
    newest = intake(partner, cod, created_at=(now - timedelta(hours=1)).isoformat())
    oldest = intake(partner, cod, created_at=(now - timedelta(days=5)).isoformat())
    # when the list is read
    response = api_for(cod.operator).get("/projects/cod/orders")
    # then the newest comes first
    assert [o["id"] for o in response.data["items"]] == [
        newest["id"],
        middle["id"],
        oldest["id"],
    ]
    created = [parse(o["created_at"]) for o in response.data["items"]]
    assert created == sorted(created, reverse=True)


def test_list_filters_by_status_and_queue(cod, api_for):
    partner, api = api_for(cod.partner), api_for(cod.operator)
    fresh = intake(partner, cod)
    confirmed = intake(partner, cod)
    call(api, confirmed["id"], "answered")
    assert outcome(api, confirmed["id"], "confirm").status_code == 200
    by_status = api.get("/projects/cod/orders", status="confirmed")
    by_queue = api.get("/projects/cod/orders", queue="new")
    assert [o["id"] for o in by_status.data["items"]] == [confirmed["id"]]
    assert [o["id"] for o in by_queue.data["items"]] == [fresh["id"]]


# --- timeline ---------------------------------------------------------------------------


def test_timeline_is_oldest_first_with_every_kind_x_6(cod, api_for):
    # given an order that arrived, was called, commented, edited and saved with a result
    order = _order(cod, api_for)
    api = api_for(cod.operator)
    call(api, order["id"], "no_answer")
    commented = api.post(f"/orders/{order['id']}/comments", {"text": "Клиент просил СМС"})
    assert commented.status_code == 201, commented.data
    assert commented.data["kind"] == "comment"
    version = api.get(f"/orders/{order['id']}").data["version"]
    edited = api.patch(
        f"/orders/{order['id']}", {"version": version, "customer": {"gender": "female"}}
    )
    assert edited.status_code == 200, edited.data
    saved = outcome(api, order["id"], "no_answer", problem="no_answer", comment="Не берёт")
    assert saved.status_code == 200, saved.data
    # when the timeline is read
    timeline = api.get(f"/orders/{order['id']}/timeline").data
    # then it lists everything oldest first, each line with kind, time, actor, text, data
    assert [e["kind"] for e in timeline] == ["auto", "call", "comment", "edit", "comment", "status"]
    for entry in timeline:
        assert set(entry) >= {"kind", "at", "actor", "text", "data"}
        assert parse(entry["at"]).utcoffset() is not None
    ats = [parse(e["at"]) for e in timeline]
    assert ats == sorted(ats)
    assert timeline[0]["actor"] == cod.partner.username
    assert {e["actor"] for e in timeline[1:]} == {cod.operator.username}
    assert timeline[1]["data"]["result"] == "no_answer"
    assert timeline[2]["text"] == "Клиент просил СМС"
    assert timeline[-1]["data"]["to"] == "no_answer"
    # and the latest operator comment is shown on the order
    assert api.get(f"/orders/{order['id']}").data["last_comment"] == "Не берёт"


def test_a_refused_outcome_adds_nothing_to_the_timeline_x_6(cod, api_for):
    order = _order(cod, api_for)
    api = api_for(cod.operator)
    before = api.get(f"/orders/{order['id']}/timeline").data
    refused = outcome(api, order["id"], "reject", comment="Длинный комментарий")
    assert refused.status_code == 422
    assert api.get(f"/orders/{order['id']}/timeline").data == before


# --- items and comments -----------------------------------------------------------------


def test_adding_a_gift_and_an_upsell_updates_the_totals_cod_11(cod, api_for):
    # given an order for the main product (1000.00)
    order = _order(cod, api_for)
    api = api_for(cod.operator)
    # when the operator adds a gift at 100 % and an upsell at 10 %
    gift = api.post(
        f"/orders/{order['id']}/items", {"sku": "cod-gift", "quantity": 1, "discount_percent": 100}
    )
    upsell = api.post(
        f"/orders/{order['id']}/items", {"sku": "cod-big", "quantity": 2, "discount_percent": "10"}
    )
    # then the lines and totals add up (2 × 2500 − 10 % = 4500)
    assert gift.status_code == 201, gift.data
    assert upsell.status_code == 201, upsell.data
    data = upsell.data
    lines = {i["sku"]: i for i in data["items"]}
    assert lines["cod-gift"]["gift"] is True and lines["cod-gift"]["line_total"] == "0.00"
    assert lines["cod-big"]["line_total"] == "4500.00"
    assert lines["cod-main"]["is_main"] is True and lines["cod-big"]["is_main"] is False
    assert (data["goods_total"], data["total"]) == ("5500.00", "5500.00")
    kinds = [e["kind"] for e in api.get(f"/orders/{order['id']}/timeline").data]
    assert kinds.count("edit") == 2


def test_a_discount_over_the_script_cap_is_refused_cod_11(cod, api_for):
    order = _order(cod, api_for)
    api = api_for(cod.operator)
    before = snapshot(api, order["id"])
    response = api.post(
        f"/orders/{order['id']}/items", {"sku": "cod-big", "quantity": 1, "discount_percent": 15}
    )
    assert_refused(response, "COD-11", "discount_percent")
    assert snapshot(api, order["id"]) == before
