"""NBO-4: the day's numbers with an excluded offer go to the responsible person through
the outbox, once per project and day."""

from __future__ import annotations

from datetime import timedelta

from dozvon.messaging.models import OutboxMessage
from dozvon.offers.models import OffersSettings
from dozvon.offers.services import excluded_report_queue
from dozvon.offers.tasks import queue_excluded_reports
from tests.offers.conftest import CORPORATE, NUMBER, record


def test_the_days_excluded_numbers_are_queued_once_for_the_responsible_person_nbo_4(nbo, now):
    # given an excluded number and an eligible one called today
    record(nbo, now, phone=CORPORATE)
    record(nbo, now, phone=NUMBER, offers=[{"offer": "INBA", "response": "no"}])
    # nobody to send it to: nothing queued
    assert excluded_report_queue(project=nbo.project, day=now.date(), now=now) is None
    nbo.supervisor.email = "boss@example.org"
    nbo.supervisor.save()
    OffersSettings.objects.create(project=nbo.project, responsible=nbo.supervisor)
    # when the list is queued (twice)
    message = excluded_report_queue(project=nbo.project, day=now.date(), now=now)
    again = excluded_report_queue(project=nbo.project, day=now.date(), now=now)
    # then one outbox email to the responsible person names only the excluded number
    assert again.pk == message.pk and OutboxMessage.objects.count() == 1
    assert message.to == "boss@example.org" and message.order_id is None
    assert "+7 916 123-45-68" in message.body_text and "ROAM" in message.body_text
    assert "+7 916 123-45-67" not in message.body_text


def test_the_worker_queues_yesterdays_list_of_every_offers_project_nbo_4(nbo, now):
    record(nbo, now - timedelta(days=1), phone=CORPORATE)
    OffersSettings.objects.create(project=nbo.project, report_email="cpk@example.org")
    assert queue_excluded_reports(now=now) == 1
    assert queue_excluded_reports(now=now) == 1  # found queued, not queued again
    assert OutboxMessage.objects.get().to == "cpk@example.org"
