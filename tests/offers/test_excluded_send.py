"""Issue 23, item 19 (NBO-4): the supervisor emails the list of excluded numbers for a
chosen day from the page (the worker sends only yesterday's on its own): queued once per
list, refused with NBO-4 for a day to come, a day without such numbers or nobody to send
it to; an operator may not (403), another project's supervisor finds nothing (404)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from dozvon.messaging.models import OutboxMessage
from dozvon.offers import rules
from dozvon.offers.models import OffersSettings
from dozvon.offers.services import excluded_report_queue
from tests.conftest import NOW, _world
from tests.offers.conftest import CORPORATE, NUMBER, record

PAGE = "/p/telecom/offers/excluded"
SEND = "/p/telecom/offers/excluded/send"
DAY = date(2026, 11, 20)  # three days before NOW: the worker sent only the 22nd's


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def reported(nbo, now):
    """An excluded number called on DAY, an eligible one too; the report goes to cpk@."""
    at = now - timedelta(days=3)
    record(nbo, at, phone=CORPORATE)
    record(nbo, at, phone=NUMBER, offers=[{"offer": "INBA", "response": "no"}])
    OffersSettings.objects.create(project=nbo.project, report_email="cpk@example.org")
    return nbo


@pytest.mark.parametrize(
    ("day", "recipient", "numbers", "expected"),
    [
        (DAY, "a@b.c", 1, []),
        (date(2026, 11, 23), "a@b.c", 1, []),  # today's list so far
        (date(2026, 11, 24), "a@b.c", 1, [("NBO-4", "day")]),
        (DAY, "a@b.c", 0, [("NBO-4", "day")]),
        (DAY, "", 1, [("NBO-4", "report_email")]),
    ],
)
def test_a_days_list_is_sent_by_hand_only_when_there_is_one_and_someone_to_get_it_nbo_4(
    day, recipient, numbers, expected
):
    found = rules.check_report_send(
        day=day, today=date(2026, 11, 23), recipient=recipient, numbers=numbers
    )
    assert [(v.rule, v.field) for v in found] == expected


def test_the_supervisor_emails_a_chosen_days_list_from_the_page_once_nbo_4(reported, client):
    client.force_login(reported.supervisor)
    page = client.get(PAGE, {"day": DAY.isoformat()})
    assert 'action="/p/telecom/offers/excluded/send"' in page.content.decode()
    assert page.context["recipient"] == "cpk@example.org" and page.context["sent"] == []
    # when the supervisor sends that day's list
    sent = client.post(SEND, {"day": DAY.isoformat()})
    # then one email to the responsible person names the excluded number only
    assert sent.status_code == 303 and sent["Location"] == f"{PAGE}?day={DAY.isoformat()}"
    message = OutboxMessage.objects.get()
    assert message.to == "cpk@example.org" and message.reason == "NBO-4:2026-11-20"
    assert "+7 916 123-45-68" in message.body_text and "+7 916 123-45-67" not in message.body_text
    # and the page shows it was sent; a second click queues nothing more
    shown = client.get(sent["Location"])
    assert [m.pk for m in shown.context["sent"]] == [message.pk]
    client.post(SEND, {"day": DAY.isoformat()})
    assert OutboxMessage.objects.count() == 1


def test_the_list_the_worker_already_sent_is_not_sent_again_nbo_4(reported, client, now):
    # given the automatic email of that day
    auto = excluded_report_queue(project=reported.project, day=DAY, now=now)
    client.force_login(reported.supervisor)
    # when the supervisor sends the same list
    client.post(SEND, {"day": DAY.isoformat()})
    # then nothing more is queued
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [auto.pk]


def test_a_changed_list_is_sent_again_nbo_4(reported, client, now):
    # given today's list sent at noon
    record(reported, now, phone=CORPORATE)
    client.force_login(reported.supervisor)
    client.post(SEND, {"day": "2026-11-23"})
    assert OutboxMessage.objects.count() == 1
    # when the excluded number calls again and the supervisor sends today's list again
    record(reported, now + timedelta(minutes=5), phone=CORPORATE)
    client.post(SEND, {"day": "2026-11-23"})
    # then the longer list is queued too
    assert OutboxMessage.objects.count() == 2


@pytest.mark.parametrize(
    ("day", "field"), [("2026-11-24", "day"), ("2026-11-19", "day"), ("вчера", "day")]
)
def test_a_refused_send_is_shown_on_the_page_and_nothing_queued_nbo_4(reported, client, day, field):
    client.force_login(reported.supervisor)
    refused = client.post(SEND, {"day": day})
    assert refused.status_code == 303
    page = client.get(refused["Location"])
    assert page.context["send_errors"] and "NBO-4" in page.context["send_errors"][0]
    assert not OutboxMessage.objects.exists()


def test_without_a_recipient_the_send_is_refused_nbo_4(nbo, client, now):
    record(nbo, now, phone=CORPORATE)
    client.force_login(nbo.supervisor)
    refused = client.post(SEND, {"day": "2026-11-23"})
    page = client.get(refused["Location"])
    assert any("report_email" in e for e in page.context["send_errors"])
    assert not OutboxMessage.objects.exists()


def test_an_operator_may_not_send_and_another_project_finds_nothing_nbo_4(reported, client):
    client.force_login(reported.operator)
    assert client.post(SEND, {"day": DAY.isoformat()}).status_code == 403
    assert 'offers/excluded/send"' not in client.get(PAGE).content.decode()
    other = _world("nbo", "telecom2")
    client.force_login(other.supervisor)
    assert client.post(SEND, {"day": DAY.isoformat()}).status_code == 404
    assert not OutboxMessage.objects.exists()
