"""NBO-6: balance adjustments reach the partner's billing as webhooks too: one signed POST
when an adjustment is created (pending) and one when it is decided (applied, rejected),
queued in the adjustment's own transaction, with their own (negative) event ids."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from dozvon.changes.models import Change
from dozvon.core.errors import RuleViolations
from dozvon.offers.services import adjustment_create, adjustment_decide
from dozvon.webhooks.models import AdjustmentEvent, WebhookDelivery, WebhookEndpoint
from dozvon.webhooks.sending import delivery_send
from dozvon.webhooks.tasks import send_webhook
from tests.conftest import _world
from tests.offers.conftest import nbo, record  # noqa: F401 - the NBO project fixture

REASON = "Недостаточно средств для подключения"


def _endpoint(world, url, kinds=("adjustment",)):
    return WebhookEndpoint.objects.create(project=world.project, url=url, kinds=list(kinds))


def _adjust(world, now, interaction, **kw):
    args = {
        "interaction_id": interaction.pk,
        "category": "promo_credit",
        "amount": "150.00",
        "reason": REASON,
        "campaign": "INBA",
        "comment": "Строки ССВО: списание АП 150 ₽; начислена ФК",
        "actor": world.operator,
        "now": now,
    }
    args.update(kw)
    return adjustment_create(**args)


def _tasks() -> int:
    return DBTaskResult.objects.filter(task_path=send_webhook.module_path).count()


def _verify(secret: str, headers: dict, body: bytes) -> dict:
    """What a partner does (docs/webhooks.md), written without dozvon's code."""
    parts = dict(p.split("=", 1) for p in headers["x-dozvon-signature"].split(","))
    expected = hmac.new(
        secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(expected, parts["v1"])
    return json.loads(body)


def _send_all(now) -> list[str]:
    return [
        delivery_send(delivery_id=pk, now=now)
        for pk in WebhookDelivery.objects.order_by("id").values_list("pk", flat=True)
    ]


def test_a_created_and_a_decided_adjustment_are_posted_once_each_and_signed_NBO_6(
    nbo,  # noqa: F811
    now,
    receiver,
):
    endpoint = _endpoint(nbo, receiver.url)
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    # when an adjustment is created
    adjustment, created = _adjust(nbo, now, interaction)
    assert created and _tasks() == 1
    assert _send_all(now) == ["sent"]
    assert _send_all(now) == ["skipped"]  # at most once per delivery from dozvon's side
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    data = _verify(endpoint.secret, headers, body)
    event = AdjustmentEvent.objects.get()
    assert data["event_id"] == -event.pk < 0 and headers["x-dozvon-event"] == str(-event.pk)
    assert data == {
        "event_id": -event.pk,
        "kind": "adjustment",
        "project": nbo.project.slug,
        "at": now.isoformat(),
        "adjustment": {
            "id": adjustment.pk,
            "interaction": interaction.pk,
            "phone": interaction.phone,
            "category": "promo_credit",
            "amount": "150.00",
            "currency": nbo.project.currency,
            "reason": REASON,
            "campaign": "INBA",
            "state": "pending",
            "created_at": now.isoformat(),
            "decided_at": None,
            "external_ref": "",
        },
    }
    with pytest.raises(AssertionError):
        _verify("another secret", headers, body)
    # the same request again is the first adjustment: nothing more is posted
    _, created = _adjust(nbo, now, interaction)
    assert not created and WebhookDelivery.objects.count() == 1
    # when the billing applies it: one more POST, a new event id
    later = now + timedelta(minutes=5)
    adjustment_decide(
        adjustment_id=adjustment.pk,
        state="applied",
        external_ref="BILL-7",
        actor=nbo.partner,
        now=later,
    )
    # the same answer again changes nothing and posts nothing
    adjustment_decide(adjustment_id=adjustment.pk, state="applied", actor=nbo.partner, now=later)
    assert WebhookDelivery.objects.count() == 2 and _tasks() == 2
    assert _send_all(later) == ["skipped", "sent"]
    assert len(receiver.requests) == 2
    headers, body = receiver.requests[1]
    data = _verify(endpoint.secret, headers, body)
    assert data["event_id"] == -AdjustmentEvent.objects.latest("id").pk != -event.pk
    assert headers["x-dozvon-event"] == str(data["event_id"])
    assert data["at"] == later.isoformat()
    assert data["adjustment"]["state"] == "applied"
    assert data["adjustment"]["decided_at"] == later.isoformat()
    assert data["adjustment"]["external_ref"] == "BILL-7"


def test_adjustment_event_ids_never_meet_order_change_ids_NBO_6(nbo, now, receiver):  # noqa: F811
    _endpoint(nbo, receiver.url, kinds=("adjustment", "created", "status", "edited"))
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    adjustment, _ = _adjust(nbo, now, interaction)
    adjustment_decide(adjustment_id=adjustment.pk, state="rejected", actor=nbo.partner, now=now)
    ids = list(WebhookDelivery.objects.values_list("event_id", flat=True))
    adjustment_ids = [d.event_id for d in WebhookDelivery.objects.filter(change__isnull=True)]
    assert len(adjustment_ids) == 2 and all(i < 0 for i in adjustment_ids)
    assert all(i > 0 for i in Change.objects.values_list("id", flat=True))
    assert len(set(ids)) == len(ids)


def test_a_rolled_back_adjustment_posts_nothing_NBO_6(nbo, now, receiver):  # noqa: F811
    _endpoint(nbo, receiver.url)
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    with pytest.raises(RuntimeError), transaction.atomic():
        _adjust(nbo, now, interaction)
        assert WebhookDelivery.objects.count() == 1  # queued inside the transaction …
        raise RuntimeError("rolled back")
    assert WebhookDelivery.objects.count() == 0  # … and gone with it
    assert AdjustmentEvent.objects.count() == 0 and _tasks() == 0
    assert receiver.requests == []


def test_a_refused_decision_posts_nothing_NBO_6(nbo, now, receiver):  # noqa: F811
    _endpoint(nbo, receiver.url)
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    adjustment, _ = _adjust(nbo, now, interaction)
    adjustment_decide(adjustment_id=adjustment.pk, state="applied", actor=nbo.partner, now=now)
    with pytest.raises(RuleViolations):  # applied once: a rejection is refused
        adjustment_decide(adjustment_id=adjustment.pk, state="rejected", actor=nbo.partner, now=now)
    assert WebhookDelivery.objects.count() == 2


def test_endpoints_not_subscribed_to_adjustments_get_nothing_NBO_6(nbo, now, receiver):  # noqa: F811
    _endpoint(nbo, receiver.url, kinds=("created", "status", "edited", "cancelled", "paid"))
    WebhookEndpoint.objects.create(
        project=nbo.project, url=receiver.url, kinds=["adjustment"], active=False
    )
    other = _world("nbo", "other-telecom")
    _endpoint(other, receiver.url)  # another project's endpoint
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    adjustment, _ = _adjust(nbo, now, interaction)
    adjustment_decide(adjustment_id=adjustment.pk, state="applied", actor=nbo.partner, now=now)
    assert WebhookDelivery.objects.filter(change__isnull=True).count() == 0
    assert AdjustmentEvent.objects.count() == 0
    _send_all(now)  # the order-change deliveries of the interaction, if any
    assert all(json.loads(b)["kind"] != "adjustment" for _, b in receiver.requests)


def test_endpoints_may_subscribe_to_adjustments_and_nothing_unknown(nbo):  # noqa: F811
    WebhookEndpoint(
        project=nbo.project, url="https://x.example/h", kinds=["adjustment"]
    ).full_clean()
    with pytest.raises(ValidationError):
        WebhookEndpoint.objects.create(
            project=nbo.project, url="https://x.example/h", kinds=["adjustments"]
        )


def test_the_outbox_lists_an_adjustment_delivery_beside_order_ones_NBO_6(
    nbo,  # noqa: F811
    now,
    receiver,
    client,
):
    _endpoint(nbo, receiver.url, kinds=("adjustment", "created", "status"))
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    adjustment, _ = _adjust(nbo, now, interaction)
    client.force_login(nbo.supervisor)
    response = client.get(f"/p/{nbo.project.slug}/outbox", {"kind": "webhooks"})
    assert response.status_code == 200
    row = WebhookDelivery.objects.get(adjustment_event__isnull=False)
    assert f'data-delivery="{row.pk}"' in response.content.decode()
