"""Issue 23 item 13: the supervisor's clean-up of exhausted orders (DUN-8) shows which
orders it will cancel and which emails it will send, and asks to confirm before doing
it. Looking changes nothing; the confirmation does it for the orders shown, and is
refused when more orders became exhausted since the supervisor looked."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from dozvon.core.errors import RuleViolations
from dozvon.dunning.cleanup_selectors import clean_up_preview
from dozvon.dunning.services import exhausted_clean_up
from dozvon.messaging.models import OutboxMessage
from tests.conftest import _world
from tests.dunning.support import at, call, fresh, in_worklist, with_emails

ENTERED = at(10, 0, 30)
NOW = at(23, 12)
URL = "/p/dun/worklist/clean-up"


def _calls(world, order, n, start):
    """`n` failed calls, two a day from both lines (DUN-7), from `start`."""
    for i in range(n):
        day, second = divmod(i, 2)
        call(world, order, start + timedelta(days=day, hours=3 * second), "skype")


@pytest.fixture
def scene(dun):
    """Exhausted (8 calls): one order with an email, one without; one with 7 calls."""
    with_emails(dun)
    tired = in_worklist(dun, entered=ENTERED, n=1)
    mute = in_worklist(dun, entered=ENTERED, n=2, email="")
    fine = in_worklist(dun, entered=ENTERED, n=3)
    for order, n in ((tired, 8), (mute, 8), (fine, 7)):
        _calls(dun, order, n, at(10, 10))
    return dun, tired, mute, fine


def test_the_preview_lists_the_orders_to_cancel_and_the_emails_to_send_dun_8(scene):
    world, tired, mute, fine = scene
    # when the supervisor looks at the clean-up
    preview = clean_up_preview(world.project, now=NOW)
    # then the two exhausted orders will be cancelled, the 7-contact one is not there
    assert sorted(preview.order_ids) == sorted([tired.pk, mute.pk])
    rows = {r.order.pk: r for r in preview.rows}
    # and the one with an address gets the final +25 % offer, named with its subject
    assert rows[tired.pk].email_to == "payer@example.com"
    assert rows[tired.pk].bonus_percent == 25
    assert tired.external_id in rows[tired.pk].email_subject
    assert rows[tired.pk].contacts == 8
    # and the one without says why no email goes
    assert rows[mute.pk].email_to == "" and rows[mute.pk].no_email_because
    assert (preview.emails, preview.cancel_status) == (1, "cancelled")
    # and looking changed nothing
    assert fresh(tired).status == "pending" and not OutboxMessage.objects.exists()


def test_the_page_shows_the_preview_and_the_confirmation_does_it_dun_8(scene):
    world, tired, mute, fine = scene
    client = Client()
    client.force_login(world.supervisor)
    with time_machine.travel(NOW, tick=False):
        # given the worklist's button opens the preview (a GET: nothing happens)
        page = client.get(URL).content.decode()
        assert f'data-clean-up-row="{tired.pk}"' in page
        assert f'data-clean-up-row="{mute.pk}"' in page
        assert f'data-clean-up-row="{fine.pk}"' not in page
        assert "payer@example.com" in page and "Будет отменён" in page
        assert fresh(tired).status == "pending"
        # when the supervisor confirms the orders shown
        response = client.post(
            URL, {"confirm": "1", "order": [str(tired.pk), str(mute.pk)]}, follow=True
        )
    # then both are cancelled, one final offer is queued, the worklist says so
    assert response.redirect_chain[-1][0].endswith("/p/dun/worklist")
    assert (fresh(tired).status, fresh(mute).status, fresh(fine).status) == (
        "cancelled",
        "cancelled",
        "pending",
    )
    assert OutboxMessage.objects.filter(template="final_bonus_offer").count() == 1


def test_a_post_without_the_confirmed_list_only_shows_the_preview_dun_8(scene):
    world, tired, *_ = scene
    client = Client()
    client.force_login(world.supervisor)
    with time_machine.travel(NOW, tick=False):
        # when the old one-click form (or a forged one) posts without the list
        response = client.post(URL, {})
        junk = client.post(URL, {"confirm": "1", "order": ["x"]})
    # then it goes to the preview and nothing is cancelled
    assert response.status_code == 302 and response.url == URL
    assert junk.status_code == 302
    assert fresh(tired).status == "pending" and not OutboxMessage.objects.exists()


def test_an_order_exhausted_after_the_preview_refuses_the_confirmation_dun_8(scene):
    world, tired, mute, fine = scene
    # given the supervisor saw two orders, then the third got its 8th call
    seen = clean_up_preview(world.project, now=NOW).order_ids
    call(world, fine, NOW - timedelta(minutes=5), "magna")
    # when the supervisor confirms what they saw
    with pytest.raises(RuleViolations) as refused:
        exhausted_clean_up(project=world.project, actor=world.supervisor, now=NOW, seen=seen)
    # then it is refused, naming DUN-8, and nothing was done
    assert [(v.rule, v.field) for v in refused.value.violations] == [("DUN-8", "orders")]
    assert {fresh(o).status for o in (tired, mute, fine)} == {"pending"}
    assert not OutboxMessage.objects.exists()


def test_an_operator_may_not_open_the_clean_up_and_another_project_does_not_see_it_x_2(scene):
    world, tired, *_ = scene
    client = Client()
    client.force_login(world.operator)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"confirm": "1", "order": [str(tired.pk)]}).status_code == 403
    client.force_login(_world("dun", "dun-other").supervisor)
    assert client.get(URL).status_code == 404
    assert fresh(tired).status == "pending"
