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
live claim), posts *outside* any transaction, and writes the result under its claim. The
claim, its lease, the retry and the sweep are the outbox recipe the email outbox follows
too (`dozvon.core.outbox`, `DELIVERIES` below).
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

from django.conf import settings
from django.db import transaction

from dozvon.core.outbox import Outbox
from dozvon.webhooks.models import SCHEMES, DeliveryState, WebhookAttempt, WebhookDelivery

log = logging.getLogger(__name__)

TIMEOUT = 10  # seconds; settings.WEBHOOK_TIMEOUT overrides (tests)
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


DELIVERIES = Outbox(WebhookDelivery, "dozvon.webhooks.tasks.send_webhook", lease)
LOST_AFTER = DELIVERIES.lost_after  # queued, unclaimed and this long overdue: task lost


def delivery_send(*, delivery_id: int, now: datetime) -> str:
    """Post one due delivery unless another worker is at it: "sent", "retry", "failed" or
    "skipped"."""
    token = DELIVERIES.claim(delivery_id, now=now)
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
    result = {"last_status": status, "last_error": error}
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery, at=now, status_code=status, error=error, duration_ms=duration
        )
        if ok:
            done = DELIVERIES.release(
                delivery.pk, token, state=DeliveryState.SENT, sent_at=now, **result
            )
            return "sent" if done else "skipped"
        log.warning("webhook delivery %s: %s", delivery.pk, error)
        if now >= deadline:
            done = DELIVERIES.release(delivery.pk, token, state=DeliveryState.FAILED, **result)
            return "failed" if done else "skipped"
        at = min(now + retry_delay(delivery.attempts), deadline)
        done = DELIVERIES.retry(delivery.pk, token, at=at, **result)
        return "retry" if done else "skipped"


def deliveries_sweep(*, now: datetime) -> int:
    """Enqueue again the queued deliveries whose posting was lost: claimed by a worker
    whose lease ran out (it died mid-post), or never claimed LOST_AFTER past their due time
    (the task row is gone). How many were enqueued. The email outbox's recipe
    (dozvon.core.outbox); a repeat is deduped by the partner on `event_id`."""
    return DELIVERIES.sweep(now=now)
