"""Issue 23, DUN on the card: cancelling asks for the reason DUN-4 requires (a list of
the reasons the outcome accepts), and after saving a result the operator is back on the
DUN worklist (DUN-3), not the general list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

from dozvon.core import clock
from dozvon.orders.models import Order
from tests.web.test_dun_card import AFTERNOON, worked_today
from tests.web.test_dun_worklist import entered


@pytest.fixture(autouse=True)
def _afternoon():
    with time_machine.travel(AFTERNOON, tick=False):
        yield


def test_the_cancel_form_asks_for_the_reason_and_cancels_dun_4(client, dun):
    # given an order of the worklist, called twice today and commented (DUN-7)
    order = entered(dun, at=clock.now() - timedelta(days=2), n=1)
    worked_today(dun, order)
    client.force_login(dun.operator)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    # then the cancel form has the reason, a required list of DUN-4's reasons
    form = re.search(r'data-outcome-form="cancel".*?</form>', page, re.S).group(0)
    reasons = re.search(r'<select name="reason">.*?</select>', form, re.S).group(0)
    assert {"refused", "exhausted", "wrong_number", "duplicate", "other"} <= set(
        re.findall(r'<option value="(\w+)"', reasons)
    )
    assert "Отказался" in reasons or "Отказ" in reasons
    # when the operator cancels with a reason and a comment in Russian
    order.refresh_from_db()
    response = client.post(
        f"/orders/{order.pk}/outcome",
        {
            "code": "cancel",
            "version": order.version,
            "reason": "refused",
            "comment": "Клиент отказался от заказа",
        },
    )
    # then the order is cancelled with that reason, and the operator is on the worklist
    saved = Order.objects.get(pk=order.pk)
    assert (saved.status, saved.problem) == ("cancelled", "refused")
    assert response.status_code == 302 and response["Location"] == "/p/dun/worklist"


def test_cancel_without_a_reason_is_refused_next_to_the_reason_dun_4(client, dun):
    # given a worked order of the worklist
    order = entered(dun, at=clock.now() - timedelta(days=2), n=1)
    worked_today(dun, order)
    client.force_login(dun.operator)
    order.refresh_from_db()
    # when the operator cancels without a reason
    response = client.post(
        f"/orders/{order.pk}/outcome",
        {"code": "cancel", "version": order.version, "comment": "Клиент отказался"},
    )
    # then it is refused next to the reason field, and nothing changed
    page = client.get(response["Location"]).content.decode()
    form = re.search(r'data-outcome-form="cancel">.*?</form>', page, re.S).group(0)
    field = re.search(r'data-field="reason">.*?</div>', form, re.S).group(0)
    assert 'role="alert"' in field
    assert Order.objects.get(pk=order.pk).status == order.status


def test_after_a_postponement_the_operator_is_back_on_the_worklist_dun_3(client, dun):
    # given a worked order of the worklist
    order = entered(dun, at=clock.now() - timedelta(days=2), n=1)
    worked_today(dun, order)
    client.force_login(dun.operator)
    order.refresh_from_db()
    # when the operator postpones it from the card
    with time_machine.travel(AFTERNOON, tick=False):
        response = client.post(
            f"/orders/{order.pk}/outcome?from=worklist",
            {
                "code": "postpone",
                "version": order.version,
                "reason": "other",
                "days": "7",
                "comment": "Перезвоним через неделю",
                "from": "worklist",
            },
        )
    # then it is saved and the operator is back on the DUN worklist
    assert Order.objects.get(pk=order.pk).status == "postponed"
    assert response["Location"] == "/p/dun/worklist"
