"""Issue 23 item 20 (X-4): the search box of every playbook's list — the COD/SHOP order
list of the workspace, the DUN worklist — finds an order by the partner's number, by a
phone in another format and by name words in any order; the worklist's search looks past
its preset filters (an order not in the worklist yet, or paid, is still found); and a
customer's corrected name is the name the list shows (X-3)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dozvon.core import clock
from dozvon.customers.services import CustomerInput
from dozvon.orders import services as svc


def _order(world, *, external_id, name, phone, created_at, **kw):
    order, _ = svc.order_intake(
        project=world.project,
        actor=world.partner,
        external_id=external_id,
        customer=CustomerInput(name=name, phone=phone, email="buyer@example.com"),
        items=[svc.ItemInput(world.products[0].sku, 2)],
        created_at=created_at,
        now=created_at,
        **kw,
    )
    return order


def _workspace_ids(client, slug, q) -> set[int]:
    response = client.get(f"/p/{slug}/", {"q": q})
    assert response.status_code == 200
    return {r["order"].pk for r in response.context["rows"]}


def _worklist_ids(client, slug, **params) -> set[int]:
    response = client.get(f"/p/{slug}/worklist", params)
    assert response.status_code == 200
    return {r["row"].order.pk for r in response.context["rows"]}


@pytest.mark.parametrize("world_name", ["cod", "shop"])
@pytest.mark.parametrize(
    "q",
    ["PH-240042", "ph-240042", "8 916 123-45-67", "+7(916)1234567", "9161234567"]
    + ["Петрович Иван"],
)
def test_the_order_list_finds_an_order_by_partner_number_phone_or_name_x_4(
    request, db, client, world_name, q
):
    # given the partner's order PH-240042 of Ivanov Ivan Petrovich and another order
    world = request.getfixturevalue(world_name)
    now = clock.now()
    wanted = _order(
        world,
        external_id="PH-240042",
        name="Иванов Иван Петрович",
        phone="+79161234567",
        created_at=now - timedelta(hours=1),
    )
    _order(
        world,
        external_id="PH-240043",
        name="Сидорова Анна Ивановна",
        phone="+79037654321",
        created_at=now - timedelta(hours=2),
    )
    client.force_login(world.supervisor)
    # when the supervisor types it into the list's search box
    # then exactly that order is listed
    assert _workspace_ids(client, world.project.slug, q) == {wanted.pk}


def test_the_worklist_search_finds_an_order_not_in_the_worklist_yet_dun_3_x_4(client, dun):
    # given a bank-transfer order two days old (DUN-1: it enters the worklist after 7)
    now = clock.now()
    young = _order(
        dun,
        external_id="PH-240042",
        name="Попов Иван Иванович",
        phone="+79161234567",
        created_at=now - timedelta(days=2),
        payment_method="bank_transfer",
    )
    client.force_login(dun.operator)
    # when the operator searches the worklist (preset filters) by the partner's number,
    # by a phone in another format, or by name words in another order
    found = [
        _worklist_ids(client, "dun", q=q) for q in ("PH-240042", "8 916 123-45-67", "Иван Попов")
    ]
    # then the order is found each time, and the page says the search covers every order
    assert found == [{young.pk}] * 3
    page = client.get("/p/dun/worklist", {"q": "PH-240042"}).content.decode()
    assert "data-search-scope" in page
    # and a filter chosen with the search narrows it again: not in the worklist
    assert _worklist_ids(client, "dun", q="PH-240042", scope="worklist", due="all") == set()
    # while the preset worklist without a search does not list it
    assert young.pk not in _worklist_ids(client, "dun")


def test_a_corrected_customer_name_is_what_the_list_shows_x_3(client, cod):
    # given an order of "Иванов Иван Петрович" in the COD list
    now = clock.now()
    order = _order(
        cod,
        external_id="PH-240042",
        name="Иванов Иван Петрович",
        phone="+79161234567",
        created_at=now - timedelta(hours=1),
    )
    # when the operator corrects the first name with the customer (COD-12)
    svc.order_update(
        order_id=order.pk,
        actor=cod.operator,
        version=order.version,
        customer={"first_name": "Иоанн"},
        now=now,
    )
    # then the list and its export show the corrected name, and both names find the order
    client.force_login(cod.supervisor)
    page = client.get("/p/cod/").content.decode()
    assert "Иванов Иоанн Петрович" in page
    exported = b"".join(client.get("/p/cod/orders.csv").streaming_content).decode("utf-8-sig")
    assert "Иванов Иоанн Петрович" in exported and "Иванов Иван Петрович" not in exported
    assert _workspace_ids(client, "cod", "Иоанн Иванов") == {order.pk}
    assert _workspace_ids(client, "cod", "Иван Петрович") == {order.pk}
