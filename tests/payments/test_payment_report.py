"""payment_report: the partner's payment makes a DUN order paid, out of the worklist for
good, attributed to the last operator who worked it (DUN-1, DUN-9); idempotent by
reference (X-10); refusals write nothing (X-5, X-10, DUN-1, X-1)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from dozvon.audit.models import AuditEntry
from dozvon.core.errors import Forbidden, NotFound, RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.orders import services as svc
from dozvon.orders.models import Order
from dozvon.payments.models import Payment
from dozvon.payments.services import DuplicateReference, payment_report
from dozvon.queues.selectors import queue_counts
from dozvon.queues.services import queue_take_next
from tests.changes.support import changes_of
from tests.factories import MembershipFactory, UserFactory
from tests.payments.support import (
    call,
    calls_then_postpone,
    dun_order,
    into_worklist,
    payment_scene,
)


@pytest.fixture
def order(dun, now):
    """A bank-transfer order made 13 days ago, in the worklist since DUN-1's trigger."""
    made = dun_order(dun, created_at=now - timedelta(days=13))
    into_worklist(dun, now=now - timedelta(days=5))
    made.refresh_from_db()
    assert made.bucket == "worklist"
    return made


def _pay(world, order, now, **overrides):
    values = {
        "order_id": order.pk,
        "amount": Decimal("1234.50"),
        "paid_at": now - timedelta(minutes=30),
        "reference": "BANK-0001",
        "actor": world.supervisor,
        "now": now,
    }
    values.update(overrides)
    return payment_report(**values)


def _worklist(world, now) -> int:
    return dict((q.code, n) for q, n in queue_counts(project=world.project, now=now))["worklist"]


def _refused(exc) -> list[tuple[str, str]]:
    return [(v.rule, v.field) for v in exc.value.violations]


def test_a_payment_makes_the_order_paid_and_takes_it_out_of_the_worklist_dun_1(dun, order, now):
    # given an order in the worklist, claimed by an operator
    taken = queue_take_next(project=dun.project, queue_code="worklist", actor=dun.operator, now=now)
    assert taken.pk == order.pk
    assert _worklist(dun, now) == 1

    # when the partner reports its payment
    payment, created = _pay(dun, order, now)

    # then the order is paid, in no queue, claimed by nobody, the amount recorded
    assert created
    order.refresh_from_db()
    assert (order.status, order.status_group) == ("paid", "paid")
    assert (order.bucket, order.due_at, order.callback_at) == ("", None, None)
    assert order.claimed_by_id is None
    assert order.paid_amount == Decimal("1234.50")
    assert order.payment_status == "paid"
    assert (payment.amount, payment.currency, payment.reference) == (
        Decimal("1234.50"),
        "RUB",
        "BANK-0001",
    )
    assert payment.status_before == "pending"
    assert _worklist(dun, now) == 0


def test_a_paid_order_is_never_chased_again_by_the_triggers_dun_1(dun, now):
    # given a bank transfer order paid before DUN-1 put it in the worklist, and one in it
    early = dun_order(dun, created_at=now - timedelta(days=3))
    chased = dun_order(dun, created_at=now - timedelta(days=13))
    into_worklist(dun, now=now - timedelta(days=5))
    _pay(dun, early, now, reference="EARLY")
    _pay(dun, chased, now, reference="CHASED")

    # when the triggers run on every later day for seven weeks (entry, expiry)
    for days in range(0, 50, 3):
        into_worklist(dun, now=now + timedelta(days=days))

    # then neither came back into the worklist, both still paid
    for paid in (early, chased):
        paid.refresh_from_db()
        assert (paid.status, paid.bucket) == ("paid", "")
    assert _worklist(dun, now + timedelta(days=49)) == 0


def test_the_payment_goes_to_the_operator_who_worked_the_order_last_dun_9(dun, order, now):
    # given op1 called twice, then op2 (a second operator) postponed it after the calls
    op2 = UserFactory(username="dun-op2")
    MembershipFactory(user=op2, project=dun.project, role="operator")
    call(order, dun.operator, now - timedelta(hours=5), line="skype")
    calls_then_postpone(order, op2, now - timedelta(hours=1))

    # when the payment arrives
    payment, _ = _pay(dun, order, now)

    # then it is op2's (the postponement was the last work before it)
    assert payment.attributed_to == op2
    assert payment.attributed_kind == "outcome"
    assert payment.attributed_at == now - timedelta(hours=1)


def test_work_after_the_payment_time_does_not_take_the_payment_dun_9(dun, order, now):
    # given op1 called before the customer paid and op2 after (the bank reports later)
    op2 = UserFactory(username="dun-op2")
    MembershipFactory(user=op2, project=dun.project, role="operator")
    call(order, dun.operator, now - timedelta(hours=3))
    call(order, op2, now - timedelta(minutes=20), line="magna")

    # when the payment made 30 minutes ago is reported
    payment, _ = _pay(dun, order, now)

    # then it is op1's
    assert payment.attributed_to == dun.operator
    assert payment.attributed_kind == "call"


def test_an_email_an_operator_sent_is_work_dun_9(dun, order, now):
    from tests.messaging.support import mail_scene

    # given op1 called and then the supervisor sent the bank details
    call(order, dun.operator, now - timedelta(hours=3))
    mail_scene(dun.project, order, dun.supervisor, now=now - timedelta(hours=2))

    payment, _ = _pay(dun, order, now)

    assert (payment.attributed_to, payment.attributed_kind) == (dun.supervisor, "email")


def test_the_timeline_says_who_gets_the_payment_and_the_feed_says_paid_x_6(dun, order, now):
    # given op1 called
    call(order, dun.operator, now - timedelta(hours=2))
    before = len(changes_of(order))

    payment, _ = _pay(dun, order, now)

    # then two lines: the payment (automatic, with its amount and operator) and the status
    lines = list(TimelineEntry.objects.filter(order=order).order_by("-id")[:2])[::-1]
    assert [line.kind for line in lines] == ["auto", "status"]
    assert lines[0].data["operator"] == dun.operator.username
    assert lines[0].data["reference"] == "BANK-0001"
    assert lines[0].data["amount"] == "1\u202f234,50\u00a0₽"
    assert (lines[1].data["from"], lines[1].data["to"]) == ("pending", "paid")
    assert lines[0].actor == dun.supervisor
    # … one `paid` row in the changes feed, one audit row
    assert changes_of(order)[before:] == [("paid", "paid", "paid")]
    audit = AuditEntry.objects.get(action="order.payment", target_id=str(order.pk))
    assert audit.changes["reference"] == "BANK-0001"
    assert audit.changes["status"] == ["pending", "paid"]


def test_a_payment_nobody_worked_for_is_not_after_calls_dun_9(dun, order, now):
    payment, _ = _pay(dun, order, now)

    assert payment.attributed_to is None
    line = TimelineEntry.objects.filter(order=order, kind="auto").order_by("-id").first()
    assert line.data["operator"] == ""


def test_the_same_report_again_answers_with_the_same_payment_x_10(dun, order, now):
    first, created = _pay(dun, order, now)
    feed = len(changes_of(order))

    again, created_again = _pay(
        dun, order, now + timedelta(minutes=5), amount="1234.5", paid_at=first.paid_at
    )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    assert len(changes_of(order)) == feed


@pytest.mark.parametrize(
    "change", [{"amount": Decimal("1000.00")}, {"currency": "UAH"}, {"paid_at_shift": 1}]
)
def test_the_same_reference_with_another_payload_is_a_conflict_x_10(dun, order, now, change):
    first, _ = _pay(dun, order, now)
    overrides = {k: v for k, v in change.items() if k != "paid_at_shift"}
    if "paid_at_shift" in change:
        overrides["paid_at"] = first.paid_at - timedelta(minutes=1)
    if "currency" in overrides:  # another currency is refused before the reference is read
        with pytest.raises(RuleViolations):
            _pay(dun, order, now, **overrides)
        return

    with pytest.raises(DuplicateReference) as exc:
        _pay(dun, order, now, **overrides)

    assert exc.value.payment_id == first.pk
    assert exc.value.status == 409


def test_the_same_reference_for_another_order_is_a_conflict_x_10(dun, order, now):
    other = dun_order(dun, created_at=now - timedelta(days=2))
    first, _ = _pay(dun, order, now)

    with pytest.raises(DuplicateReference):
        _pay(dun, other, now)

    other.refresh_from_db()
    assert other.status == "pending"
    assert Payment.objects.filter(order=other).count() == 0


def test_a_paid_order_refuses_a_second_payment_dun_1(dun, order, now):
    _pay(dun, order, now)
    order.refresh_from_db()
    version = order.version

    with pytest.raises(RuleViolations) as exc:
        _pay(dun, order, now, reference="BANK-0002")

    assert _refused(exc) == [("DUN-1", "order")]
    order.refresh_from_db()
    assert order.version == version
    assert Payment.objects.count() == 1


def test_an_order_a_supervisor_confirmed_as_paid_refuses_a_payment_dun_1(dun, order, now):
    svc.order_apply_outcome(
        order_id=order.pk,
        actor=dun.supervisor,
        code="paid",
        comment="Клиент прислал подтверждение оплаты",
        now=now - timedelta(hours=1),
    )

    with pytest.raises(RuleViolations) as exc:
        _pay(dun, order, now)

    assert _refused(exc) == [("DUN-1", "order")]
    assert Payment.objects.count() == 0


def test_a_cancelled_order_takes_the_payment_that_still_arrives_dun_4(dun, order, now):
    # given op1 called twice and cancelled the order (the customer refused)
    call(order, dun.operator, now - timedelta(hours=4), line="skype")
    call(order, dun.operator, now - timedelta(hours=1), line="magna")
    svc.order_apply_outcome(
        order_id=order.pk,
        actor=dun.operator,
        code="cancel",
        comment="Клиент отказался от заказа",
        fields={},
        inputs={"reason": "refused"},
        now=now - timedelta(minutes=50),
    )
    order.refresh_from_db()
    assert order.status == "cancelled"

    # when the bank still reports the customer's payment
    payment, created = _pay(dun, order, now)

    # then the order is paid after all, and the cancellation was the last work (op1)
    assert created
    order.refresh_from_db()
    assert (order.status, order.bucket) == ("paid", "")
    assert payment.status_before == "cancelled"
    assert (payment.attributed_to, payment.attributed_kind) == (dun.operator, "outcome")


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"amount": Decimal("-10.00")}, [("X-5", "amount")]),
        ({"amount": Decimal("0")}, [("X-5", "amount")]),
        ({"currency": "USD"}, [("X-5", "currency")]),
        ({"paid_at_in_hours": 2}, [("X-10", "paid_at")]),
        ({"reference": "   "}, [("X-10", "reference")]),
    ],
)
def test_a_bad_payment_is_refused_and_nothing_is_written_x_5_x_10(
    dun, order, now, overrides, expected
):
    if "paid_at_in_hours" in overrides:
        overrides = {"paid_at": now + timedelta(hours=overrides["paid_at_in_hours"])}
    version = order.version
    feed = len(changes_of(order))

    with pytest.raises(RuleViolations) as exc:
        _pay(dun, order, now, **overrides)

    assert _refused(exc) == expected
    order.refresh_from_db()
    assert (order.status, order.bucket, order.version) == ("pending", "worklist", version)
    assert Payment.objects.count() == 0
    assert len(changes_of(order)) == feed


def test_an_unknown_order_is_not_found(dun, now):
    with pytest.raises(NotFound):
        _pay(dun, Order(pk=987654), now)


def test_another_projects_order_is_not_found_x_1(dun, cod, now):
    # given a DUN order, and the supervisor of another project
    made = dun_order(dun, created_at=now - timedelta(days=2))

    with pytest.raises(NotFound):
        _pay(cod, made, now)

    assert Payment.objects.count() == 0


def test_an_operator_may_not_report_a_payment_x_2(dun, order, now):
    with pytest.raises(Forbidden):
        _pay(dun, order, now, actor=dun.operator)


def test_a_project_whose_playbook_has_no_paid_status_takes_no_payment_dun_1(cod, now):
    made = cod.intake(now=now - timedelta(hours=2))

    with pytest.raises(RuleViolations) as exc:
        _pay(cod, made, now)

    assert _refused(exc) == [("DUN-1", "order")]


def test_the_scene_helper_writes_a_row_the_admin_can_show(cod, now):
    made = cod.intake(now=now - timedelta(hours=2))
    assert payment_scene(cod.project, made, now=now).reference == "cod-ref-1"
