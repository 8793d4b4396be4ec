"""Helpers for the changes-feed tests: the feed rows of an order, oldest first."""

from __future__ import annotations

from dozvon.changes.models import Change


def changes_of(order) -> list[tuple[str, str, str]]:
    """(kind, status, status_group) of the order's feed rows, in id order."""
    return list(
        Change.objects.filter(order_id=order.pk)
        .order_by("id")
        .values_list("kind", "status", "status_group")
    )


def count() -> int:
    return Change.objects.count()
