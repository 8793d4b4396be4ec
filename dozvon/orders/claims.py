"""COD-9: an operator's claim on an order, and when it has gone idle. Read by the order
services (`ensure_claim_allows`), the queue engine (who may take an order), the cards and
the plug-ins' sweeps, which leave an order being worked alone."""

from __future__ import annotations

from datetime import datetime, timedelta

from dozvon.orders.models import Order
from dozvon.playbooks.selectors import playbook_def


def claim_idle(project) -> timedelta:
    """COD-9: a claim left idle this long expires (the playbook's `claim_idle_minutes`)."""
    return timedelta(minutes=playbook_def(project.playbook).settings.get("claim_idle_minutes", 10))


def claim_is_live(order: Order, *, now: datetime) -> bool:
    return bool(
        order.claimed_by_id
        and order.claimed_at
        and order.claimed_at > now - claim_idle(order.project)
    )
