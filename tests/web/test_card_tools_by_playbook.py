"""Issue 27 item 1 (begun): the order card's own tools — add a secondary product (COD-11),
pick a delivery option (COD-13) — are shown where the playbook file turns them on
(`settings.card_tools`), never by comparing playbook codes: no COD tools on a DUN or a
PICK card."""

from __future__ import annotations

import copy

import pytest

from dozvon.playbooks.definition import PlaybookError, parse_playbook
from tests.conftest import _world
from tests.rules.support import load_raw

ADD_ITEM = 'class="add-item"'
DELIVERY = "data-delivery-find"


def _card(client, world) -> str:
    order = world.intake()
    client.force_login(world.operator)
    response = client.get(f"/orders/{order.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_cod_or_shop_card_offers_its_items_and_delivery_tools(client, cod, shop):
    for world in (cod, shop):
        page = _card(client, world)
        assert ADD_ITEM in page and DELIVERY in page


def test_a_dun_or_pick_card_has_no_cod_tools(client, dun):
    for world in (dun, _world("pick", "pick")):
        page = _card(client, world)
        assert ADD_ITEM not in page and DELIVERY not in page


def test_a_playbook_file_naming_an_unknown_card_tool_is_refused():
    raw = copy.deepcopy(load_raw("cod"))
    raw["settings"]["card_tools"] = ["add_item", "teleport"]
    with pytest.raises(PlaybookError, match="settings.card_tools"):
        parse_playbook(raw)
