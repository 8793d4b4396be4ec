"""Rows of every NBO admin for one project, each string carrying the project's name (the
admin isolation test, tests/admin, shows one project's rows and none of another's)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dozvon.interactions.services import interaction_start
from dozvon.offers.models import Adjustment, Campaign, Eligibility, LostSale, OffersSettings


def offers_scene(project, operator, *, now) -> None:
    slug = project.slug
    OffersSettings.objects.create(
        project=project, report_email=f"{slug}@example.com", discount_policy={}
    )
    campaign = Campaign.objects.create(
        project=project,
        code=f"{slug[:20]}-OFFER",
        name=f"{project.name} offer",
        script=f"{project.name} script",
        priority=1,
        starts_on=date(2026, 1, 1),
        created_at=now,
        updated_at=now,
    )
    Eligibility.objects.create(
        project=project,
        phone="+79161230000",
        campaign=campaign,
        tariff=f"{project.name} tariff",
        loaded_at=now,
    )
    interaction = interaction_start(
        project=project, actor=operator, phone="+79161230000", line="first", now=now
    )
    LostSale.objects.create(
        project=project, interaction=interaction, reason=f"{project.name} hung up", at=now
    )
    Adjustment.objects.create(
        project=project,
        interaction=interaction,
        category="discount",
        amount=Decimal("10.00"),
        currency="RUB",
        reason=f"{project.name} reason",
        campaign=campaign,
        subject=f"{project.name} credit",
        comment=f"{project.name} details",
        idempotency_key=f"{slug}-1",
        created_at=now,
    )
