"""DUN outcomes (issue 14, first part): a postponement's reason, days and promised date
are declared outcome inputs (playbooks/fields.py), so the API takes them and the playbook's
rules judge them (DUN-5, DUN-7)."""

from datetime import timedelta

from dozvon.orders.services import order_apply_outcome
from dozvon.orders.services.calling import call_attempt_record
from tests.api.support import errors_of, intake


def test_the_api_takes_the_reason_and_days_and_dun_5_judges_them(dun, api_for):
    order_id = intake(api_for(dun.partner), dun, payment_method="bank_transfer")["id"]
    response = api_for(dun.operator).post(
        f"/orders/{order_id}/outcome",
        {"code": "postpone", "reason": "promised", "days": 5, "comment": "Обещал оплатить"},
    )
    assert response.status_code == 422
    assert ("DUN-5", "days") in errors_of(response)  # promised without a date: at most 3
    assert ("DUN-7", "calls") in errors_of(response)  # and not enough calls today


def test_two_calls_two_hours_apart_from_two_lines_then_postponing_3_days_dun_5_7(dun, now):
    order = dun.intake(created_at=now - timedelta(days=8))
    for line, minutes in (("skype", 130), ("magna", 5)):
        call_attempt_record(
            order_id=order.pk,
            actor=dun.operator,
            result="no_answer",
            line=line,
            started_at=now - timedelta(minutes=minutes),
            now=now,
        )
    saved = order_apply_outcome(
        order_id=order.pk,
        actor=dun.operator,
        code="postpone",
        comment="Обещал оплатить в ближайшие дни",
        inputs={"reason": "promised", "days": 3},
        now=now,
    )
    assert saved.status == "postponed"
