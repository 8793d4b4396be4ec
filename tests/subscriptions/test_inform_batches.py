"""SUB-1 batches without a worker: a run without its template stops and says why;
re-running after the template exists informs each subscriber once."""

from __future__ import annotations

from dozvon.messaging.models import MessageTemplate, OutboxMessage
from dozvon.subscriptions.inform import inform_batch
from dozvon.subscriptions.models import InformRun, Subscription
from dozvon.subscriptions.selectors import inform_progress
from tests.subscriptions.conftest import sub_row


def test_a_missing_template_stops_the_run_saying_why_and_a_new_run_informs_once_SUB_1(sub, now):
    sub.upsert(*[sub_row(f"A-{i}", phone=f"+7916100{i:04d}") for i in range(3)])
    template = MessageTemplate.objects.get(project=sub.project, code="subscription_inform")
    template.is_active = False
    template.save()
    run = InformRun.objects.create(project=sub.project, started_by=sub.supervisor, started_at=now)
    # when the run meets the missing template
    assert inform_batch(run_id=run.pk, now=now) is True
    run.refresh_from_db()
    # then it stops, saying why, and nothing is queued
    assert run.problem and run.finished_at == now and run.queued == 0
    assert not OutboxMessage.objects.exists()
    assert inform_progress(sub.project)["problems"] == 1
    # and once the template is back a new run informs all three, and again nobody twice
    template.is_active = True
    template.save()
    for _ in range(2):
        again = InformRun.objects.create(
            project=sub.project, started_by=sub.supervisor, started_at=now
        )
        while not inform_batch(run_id=again.pk, now=now, size=2):
            pass
    assert OutboxMessage.objects.count() == 3
    assert not Subscription.objects.filter(informed_at__isnull=True).exists()
    assert inform_progress(sub.project)["problems"] == 0
    message = OutboxMessage.objects.order_by("id").first()
    assert message.subject.startswith("Подписка №A-") and "31.12.2027" in message.body_text
