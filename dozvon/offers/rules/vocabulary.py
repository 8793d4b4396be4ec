"""Vocabulary, limits and text normalisation of next-best offers."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

# --- vocabulary ----------------------------------------------------------------------------

YES, NO, THINK = "yes", "no", "think"
RESPONSES = (YES, NO, THINK)
FIRST_LINE, SECOND_LINE = "first", "second"
OTHER_SPLIT = "other_split"  # the interaction's transfer target that leaves the reports

COMPENSATION, DISCOUNT, PROMO_CREDIT, TECHNOLOGICAL = (
    "compensation",
    "discount",
    "promo_credit",
    "technological",
)
CATEGORIES = (COMPENSATION, DISCOUNT, PROMO_CREDIT, TECHNOLOGICAL)
PENDING, APPLIED, REJECTED = "pending", "applied", "rejected"
ADJUSTMENT_STATES = (PENDING, APPLIED, REJECTED)

KPI_TARGET = Decimal("0.85")  # NBO-5 (the playbook's `settings.offers.kpi_target`)

TARIFF_MAX = 100  # a tariff or service code as the operator's billing names it
LIST_MAX = 500  # entries of one exclusion list / one number's services
PRIORITY_MAX = 999
SUBJECT_MAX = 200  # the interaction's subject column (interactions.rules.SUBJECT_MAX)
REASON_MAX = 500
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def clean(text: Any) -> str:
    return "" if text is None else str(text).strip()


def norm(value: str) -> str:
    """How tariffs and services are compared: case and surrounding spaces ignored."""
    return " ".join(clean(value).split()).casefold()
