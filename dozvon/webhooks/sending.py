"""Sending partner webhooks (the worker's side), like the email outbox (messaging.sending).

Every delivery is one POST of a JSON body::

    {"event_id": 123, "kind": "status", "order": 45, "external_id": "SHOP-1",
     "status": "confirmed", "status_group": "approved", "at": "2026-01-01T10:00:00+00:00"}

(or, for an endpoint subscribed to `adjustment`, a balance adjustment's event, whose
`event_id` is negative: services.adjustment_body) with the headers

    Content-Type: application/json
    X-Dozvon-Event: <event_id>
    X-Dozvon-Signature: t=<unix timestamp>,v1=<hex HMAC-SHA256>

where the HMAC key is the endpoint's secret (shown in the admin) and the message is
f"{t}.{raw body}" (the timestamp, a dot, the request body exactly as received, UTF-8). A
partner recomputes it, compares with `hmac.compare_digest`, and rejects a `t` too far
from its own clock (replays). See docs/webhooks.md.

A 2xx answer means delivered. Anything else (another status, a redirect, a refused
connection, no answer within TIMEOUT seconds) is logged as a `WebhookAttempt` and retried
after 1, 5, 15, 60, 180, 360, 360 … minutes until 24 h after the event; then the
delivery is failed. At least once: a partner dedupes on `event_id` (X-Dozvon-Event).

`delivery_send` claims the delivery with a compare-and-set UPDATE (queued, due, nobody's
live claim), posts *outside* any transaction, and writes the result under its claim.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import uuid4

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from dozvon.webhooks.models import SCHEMES, DeliveryState, WebhookAttempt, WebhookDelivery

log = logging.getLogger(__name__)

TIMEOUT = 10  # seconds; settings.WEBHOOK_TIMEOUT overrides (tests)
SWEEP_BATCH = 500
LOST_AFTER = timedelta(minutes=10)  # queued, unclaimed and this long overdue: task lost
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360)
RETRY_FOR = timedelta(hours=24)


def timeout() -> float:
    return getattr(settings, "WEBHOOK_TIMEOUT", TIMEOUT)


def retry_delay(attempts: int) -> timedelta:
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return timedelta(minutes=BACKOFF_MINUTES[index])


def signature(secret: str, body: str, t: int) -> str:
    """The X-Dozvon-Signature header value for `body` sent at unix time `t`."""
    digest = hmac.new(secret.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx: not followed (urllib would re-send a POST
    as a GET without the body)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: str, *, secret: str, event_id: int) -> tuple[int | None, str]:
    """POST the body; (HTTP status, "") or (status or None, error)."""
    if urlsplit(url).scheme.lower() not in SCHEMES:
        return None, "only http and https URLs are allowed"
    request = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "dozvon-webhooks/1",
            "X-Dozvon-Event": str(event_id),
            "X-Dozvon-Signature": signature(secret, body, int(time.time())),
        },
    )
    try:
        with _opener.open(request, timeout=timeout()) as response:
            response.read(4096)
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except Exception as exc:  # noqa: BLE001 - timeouts, refused connections, bad URLs
        reason = getattr(exc, "reason", exc)
        return None, f"{type(exc).__name__}: {reason}"[:2000]


def lease() -> timedelta:
    return timedelta(seconds=max(60, 3 * timeout()))


def _claim(delivery_id: int, now: datetime) -> str | None:
    token = uuid4().hex
    with transaction.atomic():
        claimed = (
            WebhookDelivery.objects.filter(
                pk=delivery_id, state=DeliveryState.QUEUED, next_attempt_at__lte=now
            )
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claimed_until=now + lease(), claim_token=token, attempts=F("attempts") + 1)
        )
    return token if claimed else None


def delivery_send(*, delivery_id: int, now: datetime) -> str:
    """Post one due delivery unless another worker is at it: "sent", "retry", "failed" or
    "skipped"."""
    from dozvon.webhooks.tasks import send_webhook

    token = _claim(delivery_id, now)
    if token is None:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    started = time.monotonic()
    status, error = post(
        delivery.endpoint.url,
        delivery.body,
        secret=delivery.endpoint.secret,
        event_id=delivery.event_id,
    )
    duration = int((time.monotonic() - started) * 1000)
    ok = status is not None and 200 <= status < 300
    deadline = delivery.created_at + RETRY_FOR
    mine = WebhookDelivery.objects.filter(
        pk=delivery.pk, state=DeliveryState.QUEUED, claim_token=token
    )
    common = {"last_status": status, "last_error": error, "claimed_until": None, "claim_token": ""}
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery, at=now, status_code=status, error=error, duration_ms=duration
        )
        if ok:
            done = mine.update(state=DeliveryState.SENT, sent_at=now, **common)
            return "sent" if done else "skipped"
        log.warning("webhook delivery %s: %s", delivery.pk, error)
        if now >= deadline:
            done = mine.update(state=DeliveryState.FAILED, **common)
            return "failed" if done else "skipped"
        at = min(now + retry_delay(delivery.attempts), deadline)
        done = mine.update(next_attempt_at=at, **common)
        if done:
            send_webhook.using(run_after=at).enqueue(delivery.pk)
        return "retry" if done else "skipped"


def deliveries_sweep(*, now: datetime) -> int:
    """Enqueue again the queued deliveries whose posting was lost: claimed by a worker
    whose lease ran out (it died mid-post), or never claimed LOST_AFTER past their due time
    (the task row is gone). How many were enqueued. The same recipe as the email outbox's
    sweep (messaging.sending.outbox_sweep); a repeat is deduped by the partner on
    `event_id`."""
    from dozvon.webhooks.tasks import send_webhook

    expired = Q(claimed_until__lt=now)
    unclaimed = Q(claimed_until__isnull=True, next_attempt_at__lt=now - LOST_AFTER)
    lost = WebhookDelivery.objects.filter(state=DeliveryState.QUEUED).filter(expired | unclaimed)
    enqueued = 0
    for pk, token, claimed in lost.order_by("next_attempt_at").values_list(
        "pk", "claim_token", "claimed_until"
    )[:SWEEP_BATCH]:
        with transaction.atomic():
            # the same conditions again, as a compare-and-set: a worker may have moved on
            again = lost.filter(pk=pk, claim_token=token)
            changes = {"claimed_until": None, "claim_token": ""}
            if claimed is None:
                changes["next_attempt_at"] = now  # the next sweep waits LOST_AFTER again
            if again.update(**changes):
                send_webhook.using(run_after=now).enqueue(pk)
                enqueued += 1
                log.warning("webhook delivery %s: posting was lost, enqueued again", pk)
    return enqueued
