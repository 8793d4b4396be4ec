"""DUN-8: orders of the worklist with more than 7 emails + call attempts get a final
+25 % offer and are cancelled — by a supervisor's button (`exhausted_clean_up`, the
clean-up view) or by the nightly trigger once switched on for the project; each order
once, whichever comes first. Unreachable numbers are the subject of
test_dun_services_contact."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from dozvon.automation.models import TriggerRun, TriggerSwitch
from dozvon.automation.services import triggers_run
from dozvon.core.errors import Forbidden, NotFound
from dozvon.dunning.services import exhausted_clean_up, exhausted_nightly, exhausted_switch
from dozvon.messaging.models import OutboxMessage
from dozvon.messaging.sending import outbox_send
from dozvon.messaging.services import message_send_now
from dozvon.orders.services import order_apply_outcome
from tests.conftest import _world
from tests.dunning.support import at, call, fresh, in_worklist, with_emails

ENTERED = at(10, 0, 30)


def _calls(world, order, n, start):
    """`n` failed calls, two a day from both lines (DUN-7), from `start`."""
    for i in range(n):
        day, second = divmod(i, 2)
        when = start + timedelta(days=day, hours=3 * second)
        call(world, order, when, "magna" if second else "skype")


@pytest.fixture
def scene(dun):
    """In the worklist: one order called 8 times (exhausted), one 7 times (not yet)."""
    with_emails(dun)
    tired = in_worklist(dun, entered=ENTERED, n=1)
    _calls(dun, tired, 8, at(10, 10))
    fine = in_worklist(dun, entered=ENTERED, n=2)
    _calls(dun, fine, 7, at(10, 10))
    return dun, tired, fine


def test_clean_up_sends_the_final_offer_and_cancels_exhausted_orders_dun_8(scene):
    world, tired, fine = scene
    # when the supervisor cleans up
    count = exhausted_clean_up(project=world.project, actor=world.supervisor, now=at(23, 12))
    # then the order with 8 contacts got the +25 % offer and left the worklist cancelled
    assert count == 1
    (final,) = OutboxMessage.objects.filter(order=tired)
    assert (final.template, final.bonus_percent, final.state) == ("final_bonus_offer", 25, "queued")
    tired = fresh(tired)
    assert (tired.status, tired.bucket) == ("cancelled", "")
    # and the one with 7 is worked on
    assert (fresh(fine).status, fresh(fine).bucket) == ("pending", "worklist")
    assert not OutboxMessage.objects.filter(order=fine).exists()


def test_clean_up_twice_or_then_the_nightly_run_applies_nothing_more_dun_8(scene):
    world, tired, _ = scene
    exhausted_clean_up(project=world.project, actor=world.supervisor, now=at(23, 12))
    # when clicked again, and the nightly run switched on runs
    assert exhausted_clean_up(project=world.project, actor=world.supervisor, now=at(23, 13)) == 0
    exhausted_switch(project=world.project, enabled=True, actor=world.supervisor, now=at(23, 13))
    triggers_run(project=world.project, now=at(24, 3))
    # then one run, one email
    assert TriggerRun.objects.filter(order=tired, trigger="exhausted").count() == 1
    assert OutboxMessage.objects.filter(order=tired).count() == 1


def test_sent_emails_count_with_calls_dun_8(scene):
    world, tired, fine = scene
    # given the order with 7 calls was also sent the bank details (accepted by the server)
    _emails_at_once(fine)
    message, _ = message_send_now(
        order_id=fine.pk, template="bank_details", actor=world.operator, now=at(20, 12)
    )
    with time_machine.travel(at(20, 12, 1), tick=False):
        assert outbox_send(message_id=message.pk) == "sent"
    # then it is exhausted too: 7 calls + 1 email
    assert exhausted_clean_up(project=world.project, actor=world.supervisor, now=at(23, 12)) == 2
    assert fresh(fine).status == "cancelled"
    assert OutboxMessage.objects.filter(order=fine, template="final_bonus_offer").exists()


def test_a_queued_email_not_yet_sent_does_not_count_dun_8(scene):
    world, _, fine = scene
    _emails_at_once(fine)
    message_send_now(
        order_id=fine.pk, template="bank_details", actor=world.operator, now=at(20, 12)
    )
    assert exhausted_clean_up(project=world.project, actor=world.supervisor, now=at(23, 12)) == 1
    assert fresh(fine).status == "pending"


def test_an_order_out_of_the_worklist_is_not_cleaned_up_dun_8(scene):
    world, tired, _ = scene
    # given the exhausted order was paid meanwhile
    order_apply_outcome(
        order_id=tired.pk,
        actor=world.supervisor,
        code="paid",
        comment="Клиент прислал квитанцию",
        now=at(20, 12),
    )
    assert exhausted_clean_up(project=world.project, actor=world.supervisor, now=at(23, 12)) == 0
    assert fresh(tired).status == "paid"


def test_only_a_supervisor_of_the_project_cleans_up_x_2_dun_8(scene, cod):
    world, tired, _ = scene
    with pytest.raises(Forbidden):
        exhausted_clean_up(project=world.project, actor=world.operator, now=at(23, 12))
    with pytest.raises(NotFound):
        exhausted_clean_up(project=world.project, actor=cod.supervisor, now=at(23, 12))
    assert fresh(tired).status == "pending"


def test_the_nightly_clean_up_is_off_until_switched_on_for_the_project_dun_8(scene):
    world, tired, _ = scene
    other = _world("dun", "dun-other")
    # given the playbook's exhausted trigger is off
    assert not exhausted_nightly(world.project)
    triggers_run(project=world.project, now=at(23, 3))
    assert fresh(tired).status == "pending"
    # when the supervisor switches it on for this project
    exhausted_switch(project=world.project, enabled=True, actor=world.supervisor, now=at(23, 9))
    # then the next nightly run cleans up, and other projects stay off
    assert exhausted_nightly(world.project) and not exhausted_nightly(other.project)
    triggers_run(project=world.project, now=at(24, 3))
    assert fresh(tired).status == "cancelled"
    # and switched off again it is off
    exhausted_switch(project=world.project, enabled=False, actor=world.supervisor, now=at(24, 9))
    assert not exhausted_nightly(world.project)
    assert TriggerSwitch.objects.get(project=world.project).changed_by == world.supervisor


def test_only_a_supervisor_switches_the_nightly_clean_up_x_2_dun_8(scene, cod):
    world, _, _ = scene
    with pytest.raises(Forbidden):
        exhausted_switch(project=world.project, enabled=True, actor=world.operator, now=at(23, 9))
    with pytest.raises(NotFound):
        exhausted_switch(project=world.project, enabled=True, actor=cod.supervisor, now=at(23, 9))
    assert not TriggerSwitch.objects.exists()


# --- the view (the worklist's button), on the real clock ------------------------------------------


@pytest.fixture
def live(dun):
    """The scene on the real clock: entered 10 days ago, 8 calls over the last 4 days."""
    with_emails(dun)
    now = timezone.now()
    tired = in_worklist(dun, entered=now - timedelta(days=10), n=1)
    _calls(dun, tired, 8, now - timedelta(days=5))
    return dun, tired


def _client(user, **kw) -> Client:
    client = Client(**kw)
    client.force_login(user)
    return client


URL = "/p/dun/worklist/clean-up"


CONFIRMED = {"confirm": "1"}


def test_the_clean_up_button_redirects_to_the_worklist_with_a_count_dun_8(live):
    world, tired = live
    # the supervisor confirms the orders the preview showed (DUN-8)
    response = _client(world.supervisor).post(URL, {**CONFIRMED, "order": [str(tired.pk)]})
    assert response.status_code == 302
    assert response["Location"].rstrip("/").endswith("/p/dun/worklist")
    (flash,) = list(get_messages(response.wsgi_request))
    assert flash.level_tag == "success" and "1" in str(flash)
    assert fresh(tired).status == "cancelled"


def test_the_clean_up_preview_changes_nothing_and_refuses_operators_and_outsiders_x_2(live, cod):
    world, tired = live
    body = {**CONFIRMED, "order": [str(tired.pk)]}
    # the supervisor's GET is the preview: it shows the order and cancels nothing (DUN-8)
    preview = _client(world.supervisor).get(URL)
    assert preview.status_code == 200 and f"#{tired.pk}" in preview.content.decode()
    assert _client(world.operator).post(URL, body).status_code == 403
    assert _client(cod.supervisor).post(URL, body).status_code == 404
    assert Client().post(URL, body).status_code == 302  # to the login page
    assert fresh(tired).status == "pending"


def test_the_clean_up_button_needs_the_csrf_token_x_2(live):
    world, tired = live
    response = _client(world.supervisor, enforce_csrf_checks=True).post(URL)
    assert response.status_code == 403
    assert fresh(tired).status == "pending"


def test_the_nightly_switch_view_turns_it_on_and_off_for_a_supervisor_dun_8(live):
    world, _ = live
    url = "/p/dun/worklist/nightly-clean-up"
    assert _client(world.operator).post(url, {"enabled": "1"}).status_code == 403
    response = _client(world.supervisor).post(url, {"enabled": "1"})
    assert response.status_code == 302 and exhausted_nightly(world.project)
    _client(world.supervisor).post(url, {"enabled": "0"})
    assert not exhausted_nightly(world.project)


def _emails_at_once(order):
    """Test setup: the number is marked unreachable, so DUN-7 lets emails go without the
    day's calls (DUN-8) and these tests see only the rule they are about."""
    order.refresh_from_db()
    order.extra = {**order.extra, "marks": {**order.extra.get("marks", {}), "unreachable": "x"}}
    order.save(update_fields=["extra"])
    return order
