"""An NBO project (playbook `nbo`): a first-line operator (the world's), a second-line
one, a supervisor and the partner's integration; campaigns INBA (first), ROAM (second,
never to the corporate tariff) and TV (ended), loaded through the services."""

from __future__ import annotations

from datetime import date

import pytest

from dozvon.audit.models import AuditEntry
from dozvon.history.models import TimelineEntry
from dozvon.interactions.models import Interaction
from dozvon.offers.models import Adjustment, LostSale, OfferCheck, OfferResponse
from dozvon.offers.services import campaigns_load, eligibility_load, nbo_interaction_record
from tests.conftest import _world
from tests.factories import MembershipFactory, UserFactory

NUMBER = "+79161234567"  # eligible for INBA and ROAM
CORPORATE = "+79161234568"  # ROAM excluded by tariff
NOTHING = "+79161234569"  # no offers

CAMPAIGNS = [
    {
        "code": "INBA",
        "name": "Интернет без абонентской платы",
        "priority": 1,
        "starts_on": date(2026, 11, 1),
        "script": "Предложите подключить интернет без абонентской платы на месяц.",
    },
    {
        "code": "ROAM",
        "name": "Роуминг по России",
        "priority": 2,
        "starts_on": date(2026, 11, 1),
        "ends_on": date(2026, 12, 31),
        "excluded_tariffs": ["Корпоративный"],
    },
    {
        "code": "TV",
        "name": "Домашнее ТВ",
        "priority": 3,
        "starts_on": date(2026, 10, 1),
        "ends_on": date(2026, 10, 31),
    },
]
ELIGIBILITY = [
    {"phone": "8 916 123-45-67", "offer": "INBA"},
    {"phone": "+7 916 123 45 67", "offer": "ROAM", "tariff": "Базовый"},
    {"phone": "+79161234567", "offer": "TV"},
    {"phone": CORPORATE, "offer": "ROAM", "tariff": "Корпоративный"},
]


@pytest.fixture
def nbo(db, now):
    world = _world("nbo", "telecom")
    world.second_line = UserFactory(username="telecom-second")
    MembershipFactory(user=world.second_line, project=world.project, role="operator", line=2)
    campaigns_load(project=world.project, rows=CAMPAIGNS, actor=world.supervisor, now=now)
    eligibility_load(project=world.project, rows=ELIGIBILITY, actor=world.partner, now=now)
    return world


def record(world, now, *, phone=NUMBER, actor=None, line="first", offers=None, **kw):
    """An inbound interaction of the NBO project recorded with its offers."""
    return nbo_interaction_record(
        project=world.project,
        actor=actor or world.operator,
        phone=phone,
        line=line,
        subject=kw.pop("subject", "Вопрос о тарифе"),
        comment=kw.pop("comment", "Абонент спрашивал о тарифе"),
        offers=offers,
        now=now,
        **kw,
    )


def written() -> tuple[int, ...]:
    """Interactions, offer checks, responses, lost sales, adjustments, timeline lines and
    audit rows in the database."""
    return (
        Interaction.objects.count(),
        OfferCheck.objects.count(),
        OfferResponse.objects.count(),
        LostSale.objects.count(),
        Adjustment.objects.count(),
        TimelineEntry.objects.count(),
        AuditEntry.objects.count(),
    )
