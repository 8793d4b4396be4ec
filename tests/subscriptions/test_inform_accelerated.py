"""SUB-1: one information email per accelerated active subscription, whatever the clicks,
the workers or the crashes; progress is visible."""

from __future__ import annotations

import signal

import pytest
from django.core.management import call_command
from django.utils import timezone

from dozvon.core.errors import Forbidden
from dozvon.messaging.models import OutboxMessage
from dozvon.subscriptions import inform
from dozvon.subscriptions.inform import inform_batch
from dozvon.subscriptions.inform_start import inform_accelerated
from dozvon.subscriptions.models import InformRun, Subscription
from dozvon.subscriptions.selectors import inform_progress
from tests.subscriptions.conftest import sub_row

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as in production


@pytest.fixture(autouse=True)
def _signals_restored():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
def subscribers(sub):
    rows = [
        sub_row(f"A-{i}", phone=f"+7916100{i:04d}", email=f"a{i}@example.com") for i in range(25)
    ]
    rows += [
        sub_row(f"B-{i}", phone=f"+7916200{i:04d}", plan="base", group="untouched")
        for i in range(5)
    ]
    rows += [sub_row("A-no-mail", phone="+79163000001", email="")]
    sub.upsert(*rows)
    return sub


def informs():
    return OutboxMessage.objects.filter(idempotency_key__endswith="/inform")


def test_clicking_twice_sends_exactly_one_email_per_accelerated_subscription_SUB_1(subscribers):
    sub = subscribers
    # when the supervisor clicks twice and the worker works both runs off
    inform_accelerated(project=sub.project, actor=sub.supervisor, now=timezone.now())
    inform_accelerated(project=sub.project, actor=sub.supervisor, now=timezone.now())
    call_command("db_worker", "--batch", "--queue-name", "default")
    # then each accelerated subscription with an address got one email, the base ones none
    keys = list(informs().values_list("idempotency_key", flat=True))
    accelerated = Subscription.objects.filter(plan="accelerated").exclude(number="A-no-mail")
    assert sorted(keys) == sorted(f"subscription:{s.pk}/inform" for s in accelerated)
    assert informs().filter(to="a3@example.com").count() == 1
    # and the progress says so, naming the one without an address
    progress = inform_progress(sub.project)
    assert (progress["informed"], progress["total"], progress["problems"]) == (25, 26, 1)
    assert not progress["running"]
    assert Subscription.objects.get(number="A-no-mail").inform_problem


def test_a_crash_mid_batch_loses_the_batch_whole_and_a_rerun_finishes_it_SUB_1(
    subscribers, monkeypatch
):
    sub = subscribers
    run = InformRun.objects.create(
        project=sub.project, started_by=sub.supervisor, started_at=timezone.now()
    )
    real = inform.queue_email
    calls = {"n": 0}

    def dying(**kwargs):
        calls["n"] += 1
        if calls["n"] == 7:
            raise SystemExit("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(inform, "queue_email", dying)
    # when the worker dies in the middle of its second batch
    assert inform_batch(run_id=run.pk, now=timezone.now(), size=5) is False
    with pytest.raises(SystemExit):
        inform_batch(run_id=run.pk, now=timezone.now(), size=5)
    # then the first batch is sent and marked, nothing of the second
    assert informs().count() == 5
    assert Subscription.objects.filter(informed_at__isnull=False).count() == 5
    # and a new click finishes the rest, once each
    monkeypatch.setattr(inform, "queue_email", real)
    inform_accelerated(project=sub.project, actor=sub.supervisor, now=timezone.now())
    call_command("db_worker", "--batch", "--queue-name", "default")
    assert informs().count() == 25
    assert informs().values("idempotency_key").distinct().count() == 25


def test_only_a_supervisor_starts_it_and_the_page_shows_progress_SUB_1(subscribers, client):
    sub = subscribers
    with pytest.raises(Forbidden):
        inform_accelerated(project=sub.project, actor=sub.operator, now=timezone.now())
    client.force_login(sub.supervisor)
    assert client.post("/p/sub/subscriptions/inform").status_code == 303
    page = client.get("/p/sub/subscriptions/inform/progress")
    assert page.status_code == 200 and page.context["progress"]["running"]
    call_command("db_worker", "--batch", "--queue-name", "default")
    assert client.get("/p/sub/subscriptions").context["progress"]["informed"] == 25
    client.force_login(sub.operator)
    assert client.post("/p/sub/subscriptions/inform").status_code == 403
