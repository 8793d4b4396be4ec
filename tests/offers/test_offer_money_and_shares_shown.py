"""Issue 26, one concept in one place, on NBO's screens and records: the KPI page shows
shares with the one percent filter, an adjustment's amount is written as machines read
money ("150.00") in its history and audit, and an amount no money can be (1e30) is a
refusal naming the field, not a 500."""

from __future__ import annotations

import re

import pytest

from dozvon.audit.models import AuditEntry
from dozvon.core.errors import RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.offers.services import adjustment_create
from tests.offers.conftest import record, written


def test_the_kpi_page_shows_shares_with_the_percent_filter_nbo_5(nbo, now, client):
    record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    record(nbo, now, lost_reason="сорвался")
    client.force_login(nbo.supervisor)
    page = client.get("/p/telecom/offers/kpi", {"from": "2026-11-23", "to": "2026-11-23"})
    html = page.content.decode()
    total = re.search(r'<p class="kpi-total[^>]*>.*?</p>', html, re.S).group(0)
    # one voiced of two eligible, the one YES of the one voiced: as the filter writes a
    # share (a no-break space before the sign), not widthratio's "50 %"
    assert re.search(r": 50\u00a0%</b>", total) and total.endswith(": 100\u00a0%</p>")


def _adjust(nbo, now, interaction, amount):
    return adjustment_create(
        interaction_id=interaction.pk,
        category="promo_credit",
        amount=amount,
        reason="Недостаточно средств для подключения",
        campaign="INBA",
        comment="Начислена ФК",
        actor=nbo.operator,
        now=now,
    )


def test_an_adjustment_writes_its_amount_as_machines_read_money_nbo_6(nbo, now):
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    adjustment, _ = _adjust(nbo, now, interaction, "150")
    line = TimelineEntry.objects.get(interaction=interaction, data__id=adjustment.pk)
    assert line.data["amount"] == "150.00"
    audit = AuditEntry.objects.filter(changes__adjustment=adjustment.pk).get()
    assert audit.changes["amount"] == "150.00"


@pytest.mark.parametrize("amount", ["1e30", "NaN"])
def test_an_impossible_amount_is_refused_naming_the_field_nbo_6(nbo, now, amount):
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    before = written()
    with pytest.raises(RuleViolations) as refused:
        _adjust(nbo, now, interaction, amount)
    assert [(v.rule, v.field) for v in refused.value.violations] == [("NBO-6", "amount")]
    assert written() == before


def test_the_interactions_page_refuses_an_impossible_amount_nbo_6(nbo, now, client):
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    client.force_login(nbo.operator)
    before = written()
    response = client.post(
        f"/p/telecom/offers/interactions/{interaction.pk}/adjustments",
        {
            "category": "promo_credit",
            "amount": "1e30",
            "reason": "Нет средств",
            "campaign": "INBA",
            "comment": "Начислена ФК",
            "customer_agreed": "on",
        },
    )
    assert response.status_code == 422
    assert set(response.context["errors"]) == {"amount"}
    assert written() == before
