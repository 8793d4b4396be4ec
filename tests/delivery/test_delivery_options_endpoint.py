"""GET/POST /orders/<id>/delivery-options (COD-13, COD-14): the options for the order's
address, and choosing one sets the method, the cost and the totals."""

from __future__ import annotations

import pytest

from dozvon.history.models import TimelineEntry
from dozvon.orders.models import Order
from tests.conftest import _world
from tests.delivery.conftest import FAR_TOWN, MOSCOW, order_at


def url(order) -> str:
    return f"/orders/{order.pk}/delivery-options"


@pytest.fixture
def operator(client, cod_rates):
    client.force_login(cod_rates.operator)
    return client


def test_moscow_lists_courier_first_and_post_marked_do_not_offer_cod_13(
    cod_rates, operator, django_assert_max_num_queries
):
    # given an order to Moscow in a project with courier, Post and pickup rates
    order = order_at(cod_rates, MOSCOW)
    # when the operator asks for the delivery options (session, user, order, membership,
    # and the rate table in one query)
    with django_assert_max_num_queries(5):
        response = operator.get(url(order))
    # then courier is first and Post is marked "do not offer", naming COD-13
    assert response.status_code == 200
    data = response.json()
    options = data["options"]
    assert [o["code"] for o in options] == ["courier", "pickup", "russian_post"]
    assert options[0]["kind"] == "courier" and options[0]["cost"] == "350.00"
    assert (options[0]["days_min"], options[0]["days_max"]) == (1, 2)
    post = options[-1]
    assert post["do_not_offer"] is True and post["rule"] == "COD-13" and post["reason"]
    assert not any(o["do_not_offer"] for o in options[:-1])
    assert data["address"] == {"region": "Москва", "city": "Москва"}
    assert data["order"]["version"] == order.version


def test_a_far_away_town_gets_post_only_cod_13(cod_rates, operator):
    order = order_at(cod_rates, FAR_TOWN)
    options = operator.get(url(order)).json()["options"]
    assert [(o["code"], o["do_not_offer"]) for o in options] == [("russian_post", False)]


def test_choosing_courier_sets_method_cost_and_total_with_a_timeline_line_cod_13(
    cod_rates, operator, api_for
):
    # given an order to Moscow for 1000.00
    order = order_at(cod_rates, MOSCOW)
    script_before = operator.get(url(order)).json()["order"]["closing_script"]
    # when the operator chooses the courier option
    response = operator.post(url(order), {"option": "courier", "version": order.version})
    # then the order carries the method and cost, the total includes it
    assert response.status_code == 200, response.content
    out = response.json()["order"]
    assert out["delivery_method"] == "courier"
    assert (out["goods_total"], out["delivery_cost"], out["total"]) == (
        "1000.00",
        "350.00",
        "1350.00",
    )
    assert out["version"] == order.version + 1
    # and the closing script (COD-14) states the new amounts
    script = out["closing_script"]
    assert script != script_before and "350" in script
    # and the API shows the same order
    api = api_for(cod_rates.operator).get(f"/orders/{order.pk}").data
    assert (api["delivery_method"], api["delivery_cost"], api["total"]) == (
        "courier",
        "350.00",
        "1350.00",
    )
    # and the timeline has the edit lines, old → new
    edits = TimelineEntry.objects.filter(order=order, kind="edit")
    fields = {e.data.get("field"): e for e in edits}
    assert fields["delivery_method"].data["new"] == "courier"
    assert fields["delivery_cost"].data["new"] == "350.00"
    assert fields["delivery_method"].actor == cod_rates.operator


def test_an_option_the_address_does_not_have_is_refused_and_nothing_changes_cod_13(
    cod_rates, operator
):
    # given an order to a far-away town, where there is no courier
    order = order_at(cod_rates, FAR_TOWN)
    lines = TimelineEntry.objects.filter(order=order).count()
    # when the operator posts the courier option
    response = operator.post(url(order), {"option": "courier", "version": order.version})
    # then it is refused naming COD-13 and the delivery method
    assert response.status_code == 422
    errors = {(e["rule"], e["field"]) for e in response.json()["errors"]}
    assert errors == {("COD-13", "delivery_method")}
    # and nothing changed
    after = Order.objects.get(pk=order.pk)
    assert (after.delivery_method, after.delivery_cost, after.total, after.version) == (
        order.delivery_method,
        order.delivery_cost,
        order.total,
        order.version,
    )
    assert TimelineEntry.objects.filter(order=order).count() == lines


def test_a_stale_version_is_409_with_the_current_version(cod_rates, operator):
    order = order_at(cod_rates, MOSCOW)
    response = operator.post(url(order), {"option": "courier", "version": order.version - 1})
    assert response.status_code == 409
    assert response.json()["version"] == order.version
    assert Order.objects.get(pk=order.pk).delivery_method == ""


def test_a_missing_version_is_an_input_error(cod_rates, operator):
    order = order_at(cod_rates, MOSCOW)
    response = operator.post(url(order), {"option": "courier"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "version"


def test_the_choice_may_be_sent_as_json(cod_rates, operator):
    order = order_at(cod_rates, MOSCOW)
    response = operator.post(
        url(order),
        {"option": "pickup", "version": order.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["order"]["delivery_cost"] == "199.00"


def test_an_operator_of_another_project_gets_404_x_1(cod_rates, client, db):
    # given an order of project "cod" and an operator of another project
    order = order_at(cod_rates, MOSCOW)
    stranger = _world("cod", "cod-other").operator
    client.force_login(stranger)
    # when he reads or chooses its delivery options
    read = client.get(url(order))
    chosen = client.post(url(order), {"option": "courier", "version": order.version})
    # then both are "not found" and nothing changed
    assert (read.status_code, chosen.status_code) == (404, 404)
    assert Order.objects.get(pk=order.pk).delivery_method == ""


def test_the_delivery_department_may_read_but_not_choose_x_2(cod_rates, client):
    order = order_at(cod_rates, MOSCOW)
    client.force_login(cod_rates.delivery)
    assert client.get(url(order)).status_code == 200
    chosen = client.post(url(order), {"option": "courier", "version": order.version})
    assert chosen.status_code == 403


def test_anonymous_is_sent_to_login(cod_rates, client):
    order = order_at(cod_rates, MOSCOW)
    response = client.get(url(order))
    assert response.status_code == 302 and "login" in response["Location"]
