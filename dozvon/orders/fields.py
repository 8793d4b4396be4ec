"""Fields an operator or a partner can set, declared once (issue 11): names here; the
declarations (type, parser, limits, labels, widget, who may write, where stored) follow.

Pure: no Django imports, so the playbook definition can use it."""

from __future__ import annotations

# Order fields an outcome may carry and write (SHOP-1…3, SHOP-7).
OUTCOME_ORDER_FIELDS: tuple[str, ...] = (
    "payment_method",
    "paid_amount",
    "payment_status",
    "delivery_method",
    "delivery_address",
    "delivery_date",
    "delivery_time_from",
    "delivery_time_to",
    "delivery_window_approved",
    "delivery_note",
)
