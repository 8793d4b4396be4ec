"""NBO-6: balance adjustments within the project's discount policy, the interaction's
subject line and comment, the billing's answer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dozvon.core.errors import Forbidden, NotFound, RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.interactions.models import Interaction
from dozvon.offers.models import Adjustment, OffersSettings
from dozvon.offers.services import IdempotencyConflict, adjustment_create, adjustment_decide
from tests.factories import UserFactory
from tests.offers.conftest import record, written


def _interaction(nbo, now):
    return record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])


def _adjust(nbo, now, interaction, **kw):
    args = {
        "interaction_id": interaction.pk,
        "category": "promo_credit",
        "amount": "150.00",
        "reason": "Недостаточно средств для подключения",
        "campaign": "INBA",
        "comment": "Строки ССВО: списание АП 150 ₽; начислена ФК",
        "actor": nbo.operator,
        "now": now,
    }
    args.update(kw)
    return adjustment_create(**args)


def _refused(call):
    with pytest.raises(RuleViolations) as refused:
        call()
    return [(v.rule, v.field) for v in refused.value.violations]


def test_an_adjustment_adds_the_subject_line_and_the_details_to_the_interaction_nbo_6(nbo, now):
    interaction = _interaction(nbo, now)
    adjustment, created = _adjust(nbo, now, interaction)
    assert created and adjustment.state == "pending" and adjustment.amount == Decimal("150.00")
    assert "INBA" in adjustment.subject
    interaction.refresh_from_db()
    assert interaction.subject.startswith("Вопрос о тарифе; ") and "INBA" in interaction.subject
    assert interaction.comment.endswith("начислена ФК")
    assert TimelineEntry.objects.filter(interaction=interaction, data__adjustment=adjustment.pk)


def test_the_same_adjustment_again_is_the_first_one_nbo_6(nbo, now):
    interaction = _interaction(nbo, now)
    first, _ = _adjust(nbo, now, interaction)
    before = written()
    again, created = _adjust(nbo, now, interaction)
    assert not created and again.pk == first.pk and written() == before
    # an explicit key reused for another payload is a conflict
    _adjust(nbo, now, interaction, idempotency_key="k-1")
    with pytest.raises(IdempotencyConflict):
        _adjust(nbo, now, interaction, idempotency_key="k-1", amount="10.00")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"amount": "500.01"}, [("NBO-6", "amount")]),  # over the operator's limit
        ({"category": "technological"}, [("NBO-6", "amount")]),  # not an operator's
        ({"category": "cashback"}, [("NBO-6", "category")]),
        ({"reason": " "}, [("NBO-6", "reason")]),
        ({"comment": ""}, [("NBO-6", "comment")]),
        ({"campaign": None}, [("NBO-6", "subject")]),  # no subject line to write
        ({"campaign": "NOPE"}, [("NBO-6", "campaign")]),
        ({"customer_agreed": False}, [("NBO-6", "customer_agreed")]),
    ],
)
def test_a_refused_adjustment_names_the_rule_and_writes_nothing_nbo_6(nbo, now, changes, expected):
    interaction = _interaction(nbo, now)
    before = written()
    assert _refused(lambda: _adjust(nbo, now, interaction, **changes)) == expected
    assert written() == before
    assert Interaction.objects.get(pk=interaction.pk).subject == "Вопрос о тарифе"


def test_a_supervisor_has_a_higher_limit_and_the_project_may_override_the_policy_nbo_6(nbo, now):
    interaction = _interaction(nbo, now)
    adjustment, _ = _adjust(nbo, now, interaction, amount="4000", actor=nbo.supervisor)
    assert adjustment.amount == Decimal("4000.00")
    OffersSettings.objects.create(
        project=nbo.project, discount_policy={"promo_credit": {"operator": "100"}}
    )
    assert _refused(lambda: _adjust(nbo, now, interaction, amount="100.01")) == [
        ("NBO-6", "amount")
    ]


def test_another_operator_or_another_project_may_not_adjust(nbo, shop, now):
    interaction = _interaction(nbo, now)
    colleague = UserFactory(username="telecom-colleague")
    from tests.factories import MembershipFactory

    MembershipFactory(user=colleague, project=nbo.project, role="operator")
    with pytest.raises(Forbidden):
        _adjust(nbo, now, interaction, actor=colleague)
    with pytest.raises(NotFound):
        _adjust(nbo, now, interaction, actor=shop.operator)
    assert not Adjustment.objects.exists()


def test_the_billing_applies_or_rejects_a_pending_adjustment_once_nbo_6(nbo, now):
    adjustment, _ = _adjust(nbo, now, _interaction(nbo, now))
    done, changed = adjustment_decide(
        adjustment_id=adjustment.pk,
        state="applied",
        external_ref="BIL-1",
        actor=nbo.partner,
        now=now,
    )
    assert changed and done.state == "applied" and done.external_ref == "BIL-1"
    _, changed = adjustment_decide(
        adjustment_id=adjustment.pk, state="applied", actor=nbo.partner, now=now
    )
    assert not changed
    assert _refused(
        lambda: adjustment_decide(
            adjustment_id=adjustment.pk, state="rejected", actor=nbo.partner, now=now
        )
    ) == [("NBO-6", "state")]
    with pytest.raises(Forbidden):  # an operator is not the billing
        adjustment_decide(adjustment_id=adjustment.pk, state="applied", actor=nbo.operator, now=now)
