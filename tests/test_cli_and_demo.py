"""The `dozvon` command and the demo data (DEVELOPERS.md "Two commands")."""

from io import StringIO

import pytest
from django.core.management import call_command

from dozvon.accounts.services import user_for_token
from dozvon.core.demo import build_demo
from dozvon.orders.models import Order
from dozvon.projects.models import Project
from dozvon.queues.selectors import queue_counts
from tests.factories import UserFactory


def test_token_create_prints_a_working_token_alone_on_its_last_line(db, now):
    user = UserFactory(username="partner-x")
    out = StringIO()
    call_command("token", "create", "partner-x", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    assert " " not in token
    assert user_for_token(token, now=now) == user


def test_token_create_for_an_unknown_user_fails_clearly(db):
    with pytest.raises(Exception, match="no such user"):
        call_command("token", "create", "nobody")


def test_demo_fills_every_queue_and_status_group_of_both_playbooks(db, now):
    # when the demo data is built
    counts = build_demo(now=now)
    # then each project has ~200 orders spread over every COD tab and SHOP group
    assert counts == {"cod-demo": 200, "shop-demo": 200}
    cod = Project.objects.get(slug="cod-demo")
    assert all(n > 0 for _, n in queue_counts(project=cod, now=now))
    cod_statuses = set(Order.objects.filter(project=cod).values_list("status", flat=True))
    assert cod_statuses == {"new", "confirmed", "callback", "no_answer", "rejected", "invalid"}
    shop_groups = set(
        Order.objects.filter(project__slug="shop-demo").values_list("status_group", flat=True)
    )
    assert shop_groups == {"new", "negotiation", "picking", "delivery", "done", "cancelled"}
    # and building it again adds nothing
    assert build_demo(now=now) == {}
