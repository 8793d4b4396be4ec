"""`GET /api/v1/projects/{slug}/orders?q=` (API.md round 3, X-4, issue 23 item 20): one
search box finds an order by the partner's number (`external_id`, with letters, in any
case, or its start), by our number, by the customer's phone in any format, and by name
words in any order; a customer's corrected name is what the list shows (X-3, COD-12)."""

from __future__ import annotations

import pytest

from tests.api.support import intake


@pytest.fixture
def ordered(cod, api_for):
    """A partner's order PH-240042 of Ivan Petrovich Sidorov, and another customer's."""
    partner = api_for(cod.partner)
    order = intake(
        partner,
        cod,
        external_id="PH-240042",
        customer={"name": "Сидоров Иван Петрович", "phone": "+7 916 123-45-67"},
    )
    other = intake(
        partner,
        cod,
        external_id="PH-240107",
        customer={"name": "Петрова Анна Ивановна", "phone": "+7 903 765-43-21"},
    )
    return order["id"], other["id"]


def _found(api, q: str) -> list[int]:
    response = api.get("/projects/cod/orders", q=q)
    assert response.status_code == 200, response.data
    return [o["id"] for o in response.data["items"]]


@pytest.mark.parametrize("q", ["PH-240042", "ph-240042", " PH-240042 ", "PH-24004"])
def test_search_finds_the_order_by_the_partners_number_x_4(cod, api_for, ordered, q):
    # given the partner's order PH-240042 and another partner order PH-240107
    order_id, _ = ordered
    # when the supervisor searches the list by the partner's number (or its start)
    found = _found(api_for(cod.supervisor), q.strip())
    # then exactly that order is found
    assert found == [order_id]


@pytest.mark.parametrize(
    "q", ["8 916 123-45-67", "+7(916)1234567", "9161234567", "89161234567", "+79161234567"]
)
def test_search_finds_the_order_by_a_phone_in_any_format_x_4(cod, api_for, ordered, q):
    order_id, _ = ordered
    assert _found(api_for(cod.operator), q) == [order_id]


@pytest.mark.parametrize("q", ["Петрович Иван", "иван сидоров", "СИДОРОВ петрович иван"])
def test_search_finds_the_order_by_name_words_in_any_order_x_4(cod, api_for, ordered, q):
    order_id, _ = ordered
    assert _found(api_for(cod.operator), q) == [order_id]


def test_search_finds_the_order_by_our_number_x_4(cod, api_for, ordered):
    order_id, _ = ordered
    api = api_for(cod.operator)
    assert _found(api, str(order_id)) == [order_id]
    assert _found(api, f"#{order_id}") == [order_id]


def test_search_does_not_reach_another_projects_orders_x_1(cod, shop, api_for, ordered):
    # given the COD order PH-240042; when a SHOP supervisor searches their own list for it
    response = api_for(shop.supervisor).get("/projects/shop/orders", q="PH-240042")
    # then nothing is found there, and the COD list is not theirs to read
    assert response.status_code == 200 and response.data["items"] == []
    assert api_for(shop.supervisor).get("/projects/cod/orders").status_code == 404


def test_a_corrected_customer_name_shows_in_the_list_and_both_names_find_it_x_3(
    cod, api_for, ordered
):
    # given the order of "Сидоров Иван Петрович"
    order_id, other_id = ordered
    api = api_for(cod.operator)
    version = api.get(f"/orders/{order_id}").data["version"]
    # when the operator corrects the surname with the customer (COD-12)
    response = api.patch(
        f"/orders/{order_id}", {"version": version, "customer": {"surname": "Сидоренко"}}
    )
    assert response.status_code == 200, response.data
    # then the list shows the corrected name
    listed = api.get("/projects/cod/orders").data["items"]
    names = {o["id"]: o["customer_name"] for o in listed}
    assert names[order_id] == "Сидоренко Иван Петрович"
    assert names[other_id] == "Петрова Анна Ивановна"
    # and the order is found by the new name and still by the name it arrived with
    assert _found(api, "Сидоренко Иван") == [order_id]
    assert _found(api, "Сидоров Иван") == [order_id]
