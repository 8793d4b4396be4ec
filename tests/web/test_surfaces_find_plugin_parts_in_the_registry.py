"""Issue 26: the order card and the inbound desk show what the project's playbook's
plug-in registered (dozvon.core.plugins) — a card panel, a desk block — and nothing of
another plug-in's; and the card's and the desk's modules import no plug-in."""

from __future__ import annotations

import grimp
import pytest
from django.template import Template

from dozvon.core import clock, plugins
from dozvon.interactions.desk import HEAD, DeskBlock
from dozvon.orders.card_panels import ITEMS, TOP, CardPanel, card_panels, outcome_handlers
from dozvon.playbooks.selectors import playbook_def
from tests.dunning.support import pending

PLUGINS = ("dunning", "subscriptions", "offers", "pickup")
# the surfaces' modules of the card and the desk (the plug-ins' own API routers aside)
SURFACES = (
    "dozvon.web.card",
    "dozvon.web.card_context",
    "dozvon.web.inbound",
    "dozvon.web.templatetags",
    "dozvon.api.orders",
    "dozvon.api.interactions",
)


@pytest.fixture
def registered():
    """Register test parts for a plug-in, removed again after the test."""
    added = []

    def add(point, plugin, name, item):
        plugins.register(point, plugin, name, item)
        added.append((point, plugin, name))

    yield add
    for key in added:
        plugins._REGISTRY.pop(key, None)


def _panel(name, slot, word):
    return CardPanel(
        name=name,
        template=Template(f"<p data-test-panel='{slot}'>{{{{ {name}.word }}}}</p>"),
        context=lambda request, order, pb, facts: {"word": word},
        slot=slot,
    )


def test_the_card_shows_the_panels_its_playbook_s_plug_in_registers_only(
    client, dun, cod, registered
):
    # given a panel at the top and one under the items, registered by DUN's plug-in
    registered(plugins.CARD_PANELS, "dunning", "test_top", _panel("test_top", TOP, "Наверху"))
    registered(plugins.CARD_PANELS, "dunning", "test_items", _panel("test_items", ITEMS, "Внизу"))
    dun_order = pending(dun, clock.now(), n=1)
    cod_order = cod.intake(phone="+79161230002")
    # when the DUN order's card is opened
    client.force_login(dun.supervisor)
    page = client.get(f"/orders/{dun_order.pk}/").content.decode()
    # then both show in their slots: the top one before the customer, the other under
    # the items' totals
    top, items = page.index("data-test-panel='top'"), page.index("data-test-panel='items'")
    assert top < page.index('class="card customer"') < page.index('data-total="total"') < items
    assert "Наверху" in page and "Внизу" in page
    # and the COD order's card (no plug-in) shows neither
    client.force_login(cod.supervisor)
    page = client.get(f"/orders/{cod_order.pk}/").content.decode()
    assert "data-test-panel" not in page


def test_a_panel_with_nothing_to_show_leaves_no_trace_on_the_card(client, dun, registered):
    # given a panel whose context says there is nothing to show
    registered(
        plugins.CARD_PANELS,
        "dunning",
        "test_none",
        CardPanel(
            name="test_none",
            template=Template("<p data-test-panel>x</p>"),
            context=lambda request, order, pb, facts: None,
            styles=("web/test-none.css",),
        ),
    )
    order = pending(dun, clock.now(), n=3)
    client.force_login(dun.supervisor)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    # then neither it nor its stylesheet is on the card, while DUN's own panel is
    assert "data-test-panel" not in page and "test-none.css" not in page
    assert "data-dun-panel" in page and "web/dun.css" in page


def test_the_desk_shows_the_blocks_its_playbook_s_plug_in_registers_only(
    client, dun, cod, registered
):
    # given a block above the desk registered by DUN's plug-in
    registered(
        plugins.INBOUND,
        "dunning",
        "test_block",
        DeskBlock(
            name="test_block",
            templates={HEAD: Template("<p data-test-block>{{ test_block_phone }}</p>")},
            context=lambda view: {"test_block_phone": view.phone},
        ),
    )
    # when the DUN desk is opened on a number
    client.force_login(dun.operator)
    page = client.get("/p/dun/inbound", {"phone": "+79161230004"}).content.decode()
    # then the block shows what its context gave it (the desk's number)
    assert "<p data-test-block>+79161230004</p>" in page
    # and the COD desk does not show it
    client.force_login(cod.operator)
    page = client.get("/p/cod/inbound", {"phone": "+79161230004"}).content.decode()
    assert "data-test-block" not in page


def test_each_playbook_gets_its_own_plug_in_s_card_parts(dun, cod, shop):
    # DUN: the payment panel and `paid` saved as a confirmed payment (DUN-9)
    pb = playbook_def(dun.project.playbook)
    assert [p.name for p in card_panels(pb)] == ["dun"]
    assert set(outcome_handlers(pb)) == {"paid"}
    # the engine's playbooks: none
    for world in (cod, shop):
        pb = playbook_def(world.project.playbook)
        assert card_panels(pb) == [] and outcome_handlers(pb) == {}


def test_the_card_s_and_the_desk_s_modules_import_no_plug_in():
    graph = grimp.build_graph("dozvon", exclude_type_checking_imports=True)
    found = [
        f"{importer} -> {imported}"
        for surface in SURFACES
        for importer in sorted(graph.modules)
        if importer == surface or importer.startswith(f"{surface}.")
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.split(".")[1:2] and imported.split(".")[1] in PLUGINS
    ]
    assert found == []
