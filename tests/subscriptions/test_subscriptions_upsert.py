"""X-10 import/upsert of subscriptions by number; SUB-1/SUB-2 on plan and group changes."""

from __future__ import annotations

import pytest

from dozvon.catalog.models import Product
from dozvon.core.errors import Forbidden, NotFound, RuleViolations
from dozvon.subscriptions.models import CollectionIssue, Subscription
from dozvon.subscriptions.services import issue_products, subscription_update, subscriptions_upsert
from tests.subscriptions.conftest import sub_row, written


def test_a_collections_issues_are_shop_products_one_per_number_SUB_4(sub):
    # given the 100-issue collection
    assert CollectionIssue.objects.filter(collection=sub.collection).count() == 100
    # then remaining issues map to their own products at the shop price
    products = issue_products(sub.collection, [89, 90, 100])
    assert [p.sku for p in products] == ["IM-089", "IM-090", "IM-100"]
    assert all(str(p.price) == "999.00" for p in products)
    assert Product.objects.filter(project=sub.project, sku__startswith="IM-").count() == 100


def test_reimport_by_number_updates_and_never_duplicates_X_10(sub):
    # given a subscription imported once
    (first,) = sub.upsert(sub_row())
    assert first.result == "created"
    # when the same number comes again, changed and unchanged
    (again,) = sub.upsert(sub_row(issues_delivered=90))
    (same,) = sub.upsert(sub_row(issues_delivered=90))
    # then it is the same subscription, updated once
    assert (again.result, same.result) == ("updated", "unchanged")
    assert Subscription.objects.count() == 1
    subscription = Subscription.objects.get()
    assert subscription.issues_delivered == 90 and subscription.version == 2
    assert subscription.remaining_issues == list(range(91, 101))
    assert subscription.customer.phone == "+79161234567"


def test_a_refused_file_writes_nothing_X_10(sub):
    sub.upsert(sub_row("IM-1"))
    before = written()
    with pytest.raises(RuleViolations) as refused:
        sub.upsert(
            sub_row("IM-2"),
            sub_row("IM-3", collection="nope"),
            sub_row("IM-4", phone="123"),
            sub_row("IM-5", suspend_on="01.01.2020"),
            sub_row("IM-2"),
        )
    fields = {(v.rule, v.field) for v in refused.value.violations}
    assert {
        ("X-10", "[1].collection"),
        ("X-4", "[2].customer.phone"),
        ("X-10", "[3].suspend_on"),
        ("X-10", "[0].number"),
        ("X-10", "[4].number"),
    } <= fields
    assert written() == before


def test_a_reimport_returning_an_accelerated_subscription_to_base_is_refused_SUB_2(sub):
    sub.upsert(sub_row())
    before = written()
    with pytest.raises(RuleViolations) as refused:
        sub.upsert(sub_row(plan="base", group="untouched"))
    assert [(v.rule, v.field) for v in refused.value.violations] == [("SUB-2", "[0].plan")]
    assert written() == before and Subscription.objects.get().plan == "accelerated"


def test_patch_refuses_accelerated_to_base_and_changes_nothing_SUB_2(sub, now):
    (created,) = sub.upsert(sub_row())
    with pytest.raises(RuleViolations) as refused:
        subscription_update(
            subscription_id=created.subscription.pk, actor=sub.supervisor, plan="base", now=now
        )
    assert refused.value.violations[0].rule == "SUB-2"
    assert Subscription.objects.get().version == 1


def test_accelerating_an_untouched_subscription_makes_it_green_SUB_1(sub, now):
    (created,) = sub.upsert(sub_row(plan="base", group="untouched", issues_delivered=90))
    updated = subscription_update(
        subscription_id=created.subscription.pk, actor=sub.supervisor, plan="accelerated", now=now
    )
    assert (updated.plan, updated.group) == ("accelerated", "green")
    cancelled = subscription_update(
        subscription_id=updated.pk, actor=sub.supervisor, status="cancelled", now=now
    )
    assert cancelled.status == "cancelled" and cancelled.cancelled_at == now


def test_subscriptions_are_kept_only_by_projects_whose_playbook_says_so_X_1(cod, now):
    with pytest.raises(RuleViolations) as refused:
        subscriptions_upsert(project=cod.project, rows=[sub_row()], actor=cod.supervisor, now=now)
    assert refused.value.violations[0].field == "project"


def test_an_operator_may_not_import_and_another_project_may_not_see_X_2(sub, shop, now):
    with pytest.raises(Forbidden):
        sub.upsert(sub_row(), actor=sub.operator)
    with pytest.raises(NotFound):
        sub.upsert(sub_row(), actor=shop.supervisor)
    (created,) = sub.upsert(sub_row())
    with pytest.raises(NotFound):
        subscription_update(
            subscription_id=created.subscription.pk,
            actor=shop.supervisor,
            status="cancelled",
            now=now,
        )
