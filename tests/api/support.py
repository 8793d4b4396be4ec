"""Helpers for the HTTP API tests: they speak to the API only, as an outside client would.

The API runs on the real clock (dozvon.core.clock.now), so times here are computed from
the real `datetime.now()`; anything time-dependent is recorded with explicit past times.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

MOSCOW = ZoneInfo("Europe/Moscow")
COD_QUEUES = [
    "new",
    "quick_recall",
    "in_work",
    "no_answer_today",
    "no_answer_yesterday",
    "no_answer_day_before",
    "no_answer_earlier",
]

_seq = itertools.count(1)


def real_now() -> datetime:
    return datetime.now(UTC)


def local_day(days_ago: int, hour: int, minute: int = 0) -> datetime:
    """A moment on the Moscow calendar day `days_ago` days before today."""
    day = real_now().astimezone(MOSCOW).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=MOSCOW)


def parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def unique_phone() -> str:
    """A valid Moscow mobile number no other order of the test uses (keeps the automatic
    duplicate detection of COD-19 d out of tests that are not about it)."""
    return f"+7916{2000000 + next(_seq):07d}"


def intake_body(world, *, skus=None, **overrides) -> dict:
    n = next(_seq)
    body = {
        "external_id": f"EXT-{n}",
        "customer": {"name": f"Тестов Тест{n} Тестович", "phone": unique_phone()},
        "items": [{"sku": sku, "quantity": 1} for sku in (skus or [world.products[0].sku])],
    }
    body.update(overrides)
    return body


def intake(api, world, *, skus=None, **overrides) -> dict:
    """Create an order through the API (the caller must hold the intake right); its data."""
    response = api.post(
        f"/projects/{world.project.slug}/orders", intake_body(world, skus=skus, **overrides)
    )
    assert response.status_code == 201, response.data
    return response.data


def call(api, order_id: int, result: str = "answered", started_at: datetime | None = None):
    body = {"result": result, "duration_s": 30 if result == "answered" else 0}
    if started_at is not None:
        body["started_at"] = started_at.isoformat()
    response = api.post(f"/orders/{order_id}/calls", body)
    assert response.status_code == 201, response.data
    return response.data


def outcome(api, order_id: int, code: str, **fields):
    return api.post(f"/orders/{order_id}/outcome", {"code": code, **fields})


def errors_of(response) -> set[tuple[str, str]]:
    return {(e["rule"], e["field"]) for e in response.data["errors"]}


def assert_error_shape(response) -> None:
    """API.md: 422 with {"errors": [{"rule", "field", "message"}, …]}."""
    assert response.status_code == 422, (response.status_code, response.data)
    assert isinstance(response.data, dict), response.data
    errors = response.data.get("errors")
    assert isinstance(errors, list) and errors, response.data
    for error in errors:
        assert set(error) >= {"rule", "field", "message"}, error
        assert all(isinstance(error[k], str) for k in ("rule", "field", "message")), error
        assert error["rule"] and error["message"], error


def assert_refused(response, rule: str, field: str) -> None:
    assert_error_shape(response)
    assert (rule, field) in errors_of(response), response.data["errors"]


def snapshot(api, order_id: int) -> dict:
    """What a refused request must leave untouched: the order's state and its timeline."""
    order = api.get(f"/orders/{order_id}")
    assert order.status_code == 200, order.data
    timeline = api.get(f"/orders/{order_id}/timeline")
    assert timeline.status_code == 200, timeline.data
    keep = (
        "status",
        "status_group",
        "problem",
        "queue",
        "callback_at",
        "version",
        "failed_calls",
        "calls_total",
        "responsible",
        "last_comment",
        "goods_total",
        "total",
        "customer",
        "items",
        "payment_method",
        "paid_amount",
        "delivery_address",
        "delivery_date",
        "delivery_time_from",
        "delivery_time_to",
        "delivery_window_approved",
    )
    return {
        "order": {k: order.data.get(k) for k in keep},
        "timeline": [(e["id"], e["kind"], e["text"]) for e in timeline.data],
    }


def queue_counts(api, slug: str) -> dict[str, int]:
    response = api.get(f"/projects/{slug}/queues")
    assert response.status_code == 200, response.data
    return {q["code"]: q["count"] for q in response.data}
