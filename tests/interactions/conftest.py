"""An inbound desk on the COD project: a known customer (from an order) and helpers that
count what an interaction wrote."""

from __future__ import annotations

import pytest

from dozvon.audit.models import AuditEntry
from dozvon.calls.models import CallAttempt
from dozvon.history.models import TimelineEntry
from dozvon.interactions.models import Interaction

KNOWN = "+79161234567"


def written() -> tuple[int, int, int, int]:
    """Interactions, timeline lines, call attempts and audit rows in the database."""
    return (
        Interaction.objects.count(),
        TimelineEntry.objects.count(),
        CallAttempt.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def known_order(cod):
    """A customer the project knows: an order of theirs arrived earlier."""
    return cod.intake(phone=KNOWN)
