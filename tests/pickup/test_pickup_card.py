"""The parcel panel on the order card (CARD_PANELS), shown for a PICK project only, and the
results about the parcel (PICK-2) in the card's own result forms, with the day and the
point the plug-in declares: a refusal next to its field, a saved result back to the
queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dozvon.orders.models import Order
from dozvon.pickup.models import Shipment
from tests.conftest import NOW


@pytest.fixture(autouse=True)
def _at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(user)
    return client


def outcome_form(html: str, code: str) -> str:
    start = html.index(f'data-outcome-form="{code}"')
    return html[start : html.index("</form>", start)]


def test_the_card_shows_the_parcel_with_its_point_and_storage_end(pick):
    order = pick.order()
    pick.arrive(order, NOW - timedelta(days=3), until=(NOW + timedelta(days=2)).date())
    page = client_for(pick.operator).get(reverse("web:order", args=[order.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "data-pickup-panel" in html and "ПВЗ на Ленина" in html
    assert (NOW + timedelta(days=2)).strftime("%d.%m.%Y") in html
    assert "осталось 2 дня" in html


def test_the_card_s_result_forms_ask_for_the_day_and_the_point(pick):
    order = pick.order()
    pick.arrive(order)
    html = client_for(pick.operator).get(reverse("web:order", args=[order.pk])).content.decode()
    will_collect = outcome_form(html, "will_collect")
    assert 'data-field="collect_on"' in will_collect and "Заберёт *" in will_collect
    assert 'placeholder="дд.мм.гггг"' in will_collect  # a day, typed as operators do
    wrong_point = outcome_form(html, "wrong_point")
    assert 'data-field="pickup_point"' in wrong_point and 'maxlength="200"' in wrong_point
    assert 'data-field="reason"' in outcome_form(html, "refuses")
    assert 'data-field="collect_on"' not in outcome_form(html, "extend_storage")


def test_no_parcel_panel_on_another_playbook_s_card(cod):
    order = cod.intake()
    html = client_for(cod.operator).get(reverse("web:order", args=[order.pk])).content.decode()
    assert "data-pickup-panel" not in html
    assert 'data-field="collect_on"' not in html


def test_a_refused_result_comes_back_next_to_its_field(pick):
    order = pick.order()
    pick.arrive(order, NOW - timedelta(days=3), until=(NOW + timedelta(days=2)).date())
    pick.call(order)
    client = client_for(pick.operator)
    url = reverse("web:order_outcome", args=[order.pk])
    late = (NOW + timedelta(days=5)).strftime("%d.%m.%Y")
    answer = client.post(url, {"code": "will_collect", "collect_on": late, "from": "pickup"})
    assert answer.status_code == 303  # back to the card, the form open with the refusal
    form = outcome_form(client.get(answer["Location"]).content.decode(), "will_collect")
    field = form[form.index('data-field="collect_on"') :]
    assert "PICK-2" in field and late in field
    assert Order.objects.get(pk=order.pk).status == "arrived"
    # a day that is not a day is refused naming the field
    answer = client.post(url, {"code": "will_collect", "collect_on": "завтра"})
    form = outcome_form(client.get(answer["Location"]).content.decode(), "will_collect")
    assert "Заберёт" in form and "дд.мм.гггг" in form and 'class="field invalid"' in form


def test_a_saved_result_goes_back_to_the_queue_it_came_from(pick):
    order = pick.order()
    pick.arrive(order, NOW - timedelta(days=3))
    pick.call(order)
    client = client_for(pick.operator)
    url = reverse("web:order_outcome", args=[order.pk])
    day = NOW + timedelta(days=1)
    answer = client.post(
        url, {"code": "will_collect", "collect_on": day.strftime("%d.%m.%Y"), "from": "pickup"}
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"/p/{pick.project.slug}/?queue=pickup")
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.bucket) == ("will_collect", "")
    assert Shipment.objects.get(order=order).collect_on == day.date()
