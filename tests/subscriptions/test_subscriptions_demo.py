"""`make demo` for SUB: 300 subscriptions across the three groups, some contacted."""

from __future__ import annotations

from dozvon.accounts.models import User
from dozvon.subscriptions.demo import build_subscriptions_demo
from dozvon.subscriptions.models import Escalation, Subscription, SubscriptionContact


def test_the_demo_has_every_group_contacts_and_its_users_and_is_built_once(db, now):
    assert build_subscriptions_demo(now=now) == {"subscriptions-demo": 300}
    groups = set(Subscription.objects.values_list("group", flat=True))
    assert groups == {"untouched", "green", "pink"}
    assert SubscriptionContact.objects.count() == 30
    assert Subscription.objects.filter(status="cancelled").count() == 12  # bought/refund
    assert Escalation.objects.count() == 3
    for username in ("subs-op1", "subs-sup"):
        assert User.objects.get(username=username).check_password("demo")
    assert build_subscriptions_demo(now=now) == {}
    assert Subscription.objects.count() == 300
