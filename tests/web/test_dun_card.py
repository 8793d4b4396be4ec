"""DUN-2/DUN-4 on the order card: the payment panel (week of work, bonus tier, bonus
units), the emails sent from it through the outbox (X-9) with their refusals shown in the
panel, postponing by a number of days chosen from a list, and editing the phone, email
and the payer's and recipient's addresses."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path

from dozvon.core import clock
from dozvon.customers.models import Customer
from dozvon.history.models import TimelineEntry
from dozvon.messaging.demo import seed_demo_templates
from dozvon.messaging.models import OutboxMessage
from dozvon.orders.services import order_add_comment
from dozvon.orders.services.calling import call_attempt_record
from dozvon.web.templatetags.dozvon_timeline import message_url
from tests.web.test_dun_worklist import entered

# 15:00 in Moscow: today's calls hours apart stay on the same local day
AFTERNOON = datetime(2026, 11, 23, 15, 0, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.fixture(autouse=True)
def _afternoon():
    with time_machine.travel(AFTERNOON, tick=False):
        yield


def worked_today(world, order):
    """DUN-7 before an email: two calls today, hours apart, from both caller lines, and a
    comment after them."""
    now = clock.now()
    for line, ago in (("skype", timedelta(hours=3)), ("magna", timedelta(minutes=30))):
        call_attempt_record(
            order_id=order.pk,
            actor=world.operator,
            result="no_answer",
            line=line,
            started_at=now - ago,
            now=now,
        )
    order_add_comment(
        order_id=order.pk, actor=world.operator, text="Не берёт трубку, отправляю письмо", now=now
    )


def _card(client, order) -> str:
    response = client.get(f"/orders/{order.pk}/")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _send(client, order, template, **extra):
    return client.post(f"/orders/{order.pk}/dun/send", {"template": template, **extra})


def test_the_panel_shows_week_tier_and_bonus_units_for_15_and_25_percent_dun_2(client, dun):
    # given an order of 10 units that entered the worklist two days ago
    order = entered(dun, at=clock.now() - timedelta(days=2), n=1, quantity=10)
    client.force_login(dun.operator)
    page = _card(client, order)
    # then week 1, the 15 % tier, and 10 × 15 % = 1.5 → 2 units, 10 × 25 % = 2.5 → 3
    assert "data-dun-week>1<" in page
    assert "data-dun-tier>15 %<" in page
    assert 'data-dun-units="15">15 % → +2<' in page
    assert 'data-dun-units="25">25 % → +3<' in page
    assert 'href="tel:+79163000001"' in page
    # both percents may be offered in week 1 (25 % from the first call, DUN-2)
    select = re.search(r'<select name="bonus_percent".*?</select>', page, re.S).group(0)
    assert re.findall(r'value="(\d+)"', select) == ["15", "25"]


def test_sending_the_bank_details_queues_exactly_one_email_dun_4_x_9(client, dun):
    seed_demo_templates(dun.project)
    order = entered(dun, at=clock.now() - timedelta(days=2), n=1)
    worked_today(dun, order)
    client.force_login(dun.operator)
    response = _send(client, order, "bank_details")
    assert response.status_code == 303 and response["Location"] == f"/orders/{order.pk}/"
    (message,) = OutboxMessage.objects.filter(order=order)
    assert (message.template, message.state, message.to) == (
        "bank_details",
        "queued",
        "ivanov@example.com",
    )
    # the same click again while it waits to be sent queues nothing more
    _send(client, order, "bank_details")
    assert OutboxMessage.objects.filter(order=order).count() == 1
    # the history has the queued email's line (a link once the message page exists)
    assert TimelineEntry.objects.filter(order=order, data__message=message.pk).exists()
    assert "Реквизиты для оплаты" in _card(client, order)


def test_a_bonus_percent_the_week_does_not_allow_is_refused_in_the_panel_dun_2(client, dun):
    seed_demo_templates(dun.project)
    # given an order in its fourth week of work: 25 % only
    order = entered(dun, at=clock.now() - timedelta(days=22), n=1)
    client.force_login(dun.operator)
    page = _card(client, order)
    select = re.search(r'<select name="bonus_percent".*?</select>', page, re.S).group(0)
    assert re.findall(r'value="(\d+)"', select) == ["25"]
    # when 15 % is sent anyway
    response = _send(client, order, "bonus_offer", bonus_percent="15")
    # then it is refused, shown in the panel citing DUN-2, and nothing is queued
    page = client.get(response["Location"]).content.decode()
    assert re.search(r"data-dun-error>[^<]*\(DUN-2\)<", page)
    assert not OutboxMessage.objects.filter(order=order).exists()
    # 25 % is sent
    worked_today(dun, order)
    _send(client, order, "bonus_offer", bonus_percent="25")
    (message,) = OutboxMessage.objects.filter(order=order)
    assert (message.template, message.bonus_percent) == ("bonus_offer", 25)


def test_an_order_that_never_entered_the_worklist_gets_no_bonus_dun_1(client, dun):
    seed_demo_templates(dun.project)
    from tests.web.test_dun_worklist import dun_order

    order = dun_order(dun, created_at=clock.now() - timedelta(days=1), n=1)
    client.force_login(dun.operator)
    response = _send(client, order, "bonus_offer", bonus_percent="15")
    page = client.get(response["Location"]).content.decode()
    assert re.search(r"data-dun-error>[^<]*\(DUN-1\)<", page)
    assert not OutboxMessage.objects.filter(order=order).exists()


def test_no_email_address_is_refused_in_the_panel_x_9(client, dun):
    seed_demo_templates(dun.project)
    order = entered(dun, at=clock.now() - timedelta(days=2), n=1, email="")
    client.force_login(dun.operator)
    response = _send(client, order, "bank_details")
    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    assert re.search(r"data-dun-error>[^<]*\(X-9\)<", page)
    assert not OutboxMessage.objects.filter(order=order).exists()


def test_an_unknown_email_is_refused_and_another_projects_operator_gets_404_x_1(client, dun, cod):
    order = entered(dun, at=clock.now() - timedelta(days=2), n=1)
    client.force_login(dun.operator)
    response = _send(client, order, "final_bonus_offer")
    assert re.search(r"data-dun-error>", client.get(response["Location"]).content.decode())
    client.force_login(cod.operator)
    assert _send(client, order, "bank_details").status_code == 404
    assert client.get(f"/orders/{order.pk}/").status_code == 404
    assert not OutboxMessage.objects.exists()


def test_postponing_offers_days_from_a_list_with_7_preselected_dun_5(client, dun):
    order = entered(dun, at=clock.now() - timedelta(days=2), n=1)
    client.force_login(dun.operator)
    page = _card(client, order)
    form = re.search(r'data-outcome-form="postpone".*?</form>', page, re.S).group(0)
    days = re.search(r'<select name="days">.*?</select>', form, re.S).group(0)
    assert '<option value="7" selected>' in days and '<option value="21"' in days
    assert 'name="promised_on"' in form and '<select name="reason">' in form
    # the panel's buttons open the postponement and the cancel forms
    assert 'class="outcome-open" data-outcome="postpone"' in page
    assert 'class="outcome-open danger" data-outcome="cancel"' in page


def test_the_edit_form_changes_phone_email_payer_and_recipient_address_dun_4(client, dun):
    order = entered(dun, at=clock.now() - timedelta(days=2), n=1)
    client.force_login(dun.operator)
    page = _card(client, order)
    for name in ('name="phone"', 'name="email"', 'name="payer_address.city"'):
        assert name in page
    assert 'name="recipient_address.street"' in page and "delivery_address." not in page
    order.refresh_from_db()
    response = client.post(
        f"/orders/{order.pk}/edit",
        {
            "version": order.version,
            "phone": "+7 916 555-44-33",
            "email": "new@example.com",
            "payer_address.city": "Казань",
            "recipient_address.city": "Самара",
        },
    )
    assert response.status_code == 303
    customer = Customer.objects.get(pk=order.customer_id)
    assert (customer.phone, customer.email) == ("+79165554433", "new@example.com")
    assert customer.payer_address == {"city": "Казань"}
    assert customer.recipient_address == {"city": "Самара"}
    # the refreshed card shows the change and the history the old → new lines
    page = _card(client, order)
    assert 'href="tel:+79165554433"' in page and "new@example.com" in page
    assert "Казань" in page


# --- links from the history to the message page -------------------------------------------------

_messages = ([path("messages/<int:message_id>/", HttpResponse, name="message")], "messaging")
urlpatterns = [path("", include(_messages))]


class _NoMessagePage:
    """A URLconf without the message page (before the messages screen exists)."""

    urlpatterns = [path("messages/", include(([], "messaging")))]


def test_an_email_line_of_the_history_links_to_the_message_once_that_page_exists_x_9():
    line = TimelineEntry(kind="auto", data={"message": 42})
    with override_settings(ROOT_URLCONF=__name__):
        assert message_url(line) == "/messages/42/"
        assert message_url(TimelineEntry(kind="comment", data={"message": 42})) == ""
        assert message_url(TimelineEntry(kind="message", data={"message": "42"})) == ""
    with override_settings(ROOT_URLCONF=_NoMessagePage):
        assert message_url(line) == ""
