"""NBO-5: the realized offers KPI over 100 generated interactions with known answers
equals the hand count exactly (per day, operator and campaign, and in total)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from dozvon.offers.selectors import offers_kpi
from dozvon.offers.services import offer_response_change
from tests.factories import MembershipFactory, UserFactory
from tests.offers.conftest import CORPORATE, NOTHING, NUMBER, record

# kind: (phone, line, transfer, offers, counts as eligible, voiced, yes, campaign)
KINDS = {
    "yes": (NUMBER, "first", "", [("INBA", "yes")], True, True, True, "INBA"),
    "no": (NUMBER, "first", "", [("INBA", "no")], True, True, False, "INBA"),
    "think_then_yes": (NUMBER, "first", "", [("INBA", "think")], True, True, True, "INBA"),
    "lower": (NUMBER, "first", "", [("ROAM", "no")], True, True, False, "ROAM"),
    "ivr": (NUMBER, "first", "ivr", [("INBA", "think")], True, True, False, "INBA"),
    "lost": (NUMBER, "first", "", [], True, False, False, "INBA"),
    "lost_ivr": (NUMBER, "first", "ivr", [], True, False, False, "INBA"),
    "excluded": (CORPORATE, "first", "", [], False, False, False, None),
    "no_offers": (NOTHING, "first", "", [], False, False, False, None),
    "other_split": (NUMBER, "first", "other_split", [], False, False, False, None),
    "other_split_voiced": (NUMBER, "first", "other_split", [("INBA", "yes")], False, 0, 0, None),
    "second_line": (NUMBER, "second", "", [], False, False, False, None),
}


def test_the_realized_share_equals_the_hand_count_of_100_interactions_nbo_5(nbo, now):
    # given two first-line operators and a second-line one, over two days
    other = UserFactory(username="telecom-op2", first_name="Пётр", last_name="Второй")
    MembershipFactory(user=other, project=nbo.project, role="operator")
    rng = random.Random(16)
    expected: Counter = Counter()
    totals = Counter()
    for i in range(100):
        kind = rng.choice(list(KINDS))
        phone, line, transfer, offers, eligible, voiced, yes, campaign = KINDS[kind]
        actor = nbo.second_line if line == "second" else rng.choice([nbo.operator, other])
        day_back = rng.choice([0, 1])
        at = now - timedelta(days=day_back, minutes=i)
        interaction = record(
            nbo,
            now,
            phone=phone,
            actor=actor,
            line=line,
            transferred_to=transfer,
            started_at=at,
            offers=[{"offer": o, "response": r} for o, r in offers],
            lost_reason="абонент положил трубку" if kind.startswith("lost") else None,
        )
        if kind == "think_then_yes":  # the customer called back and agreed (archive)
            offer_response_change(
                interaction_id=interaction.pk, offer="INBA", response="yes", actor=actor, now=now
            )
        if eligible:
            key = ((now - timedelta(days=day_back)).date(), actor.pk, campaign)
            expected[(*key, "eligible")] += 1
            expected[(*key, "voiced")] += int(voiced)
            expected[(*key, "yes")] += int(yes)
            totals["eligible"] += 1
            totals["voiced"] += int(voiced)
            totals["yes"] += int(yes)
    assert totals["eligible"] > 40 and 0 < totals["voiced"] < totals["eligible"]

    # when the KPI is computed for both days
    rows = offers_kpi(nbo.project, start=(now - timedelta(days=1)).date(), end=now.date())

    # then every row is the hand count, and the shares are exact
    got = Counter()
    for r in rows:
        key = (r["day"], r["operator"], r["campaign"])
        for name in ("eligible", "voiced", "yes"):
            got[(*key, name)] += r[name]
        assert r["realized_share"] == (Decimal(r["voiced"]) / Decimal(r["eligible"])).quantize(
            Decimal("0.0001")
        )
        assert r["target"] == Decimal("0.85")
        assert r["operator_name"] in {"Пётр Второй", nbo.operator.username}
    assert +got == +expected
    eligible = sum(r["eligible"] for r in rows)
    voiced = sum(r["voiced"] for r in rows)
    assert (eligible, voiced) == (totals["eligible"], totals["voiced"])
    assert sum(r["yes"] for r in rows) == totals["yes"]


def test_the_kpi_rows_have_exactly_the_agreed_keys_nbo_5(nbo, now):
    record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    (row,) = offers_kpi(nbo.project, start=now.date(), end=now.date())
    assert set(row) == {
        "day",
        "operator",
        "operator_name",
        "campaign",
        "eligible",
        "voiced",
        "yes",
        "realized_share",
        "yes_conversion",
        "target",
    }
    assert (row["realized_share"], row["yes_conversion"]) == (Decimal("1"), Decimal("1"))
