"""The NBO demo (issue 16 §7): telecom-demo with campaigns, numbers with offers and
exclusions, both lines, a day of interactions; building it again adds nothing."""

from __future__ import annotations

from dozvon.offers.demo import build_telecom_demo
from dozvon.offers.models import Campaign, Eligibility, LostSale, OfferCheck, OfferResponse
from dozvon.offers.selectors import offers_kpi, today_of
from dozvon.projects.models import Membership, Project


def test_the_telecom_demo_has_a_day_of_offers_and_is_built_once(db, now):
    counts = build_telecom_demo(now=now, numbers=600)
    project = Project.objects.get(slug="telecom-demo")
    assert counts == {"telecom-demo": 150}
    assert Campaign.objects.filter(project=project).count() == 5
    assert Eligibility.objects.filter(project=project).values("phone").distinct().count() == 600
    assert set(
        Membership.objects.filter(project=project, role="operator").values_list("line", flat=True)
    ) == {1, 2}
    assert OfferResponse.objects.filter(response="yes").exists() and LostSale.objects.exists()
    assert OfferCheck.objects.exclude(excluded=[]).exists()
    day = today_of(project, now)
    rows = offers_kpi(project, start=day, end=day)
    assert sum(r["eligible"] for r in rows) > sum(r["voiced"] for r in rows) > 0
    assert build_telecom_demo(now=now) == {}
