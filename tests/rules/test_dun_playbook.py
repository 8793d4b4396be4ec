"""The DUN playbook as data (SPEC DUN-1…8, X-7, X-8): dun.toml parses, its outcomes are
refused and accepted through the engine like the other playbooks' (pure, no database),
and a few wiring checks with a database: a call attempt's caller line (X-8) and a
postponement saved through the outcome service (DUN-5, DUN-7)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from dozvon.calls.models import CallAttempt
from dozvon.calls.rules import check_call_line
from dozvon.core.errors import RuleViolations
from dozvon.customers.services import CustomerInput
from dozvon.orders import services as svc
from dozvon.orders.services.calling import call_attempt_record
from dozvon.playbooks.definition import OUTCOME_FIELDS
from dozvon.playbooks.engine import evaluate
from dozvon.playbooks.rules import REGISTRY, CallFact
from tests.rules.support import NOW, context, load_raw, msk, outcome, pairs, playbook

pure = pytest.mark.nodb
SPEC_ID = re.compile(r"^(DUN|COD|X)-\d+$")
RU = "Не берет трубку, звонил со скайпа и с магны"
TWO_LINES = (CallFact(msk(23, 9), "no_answer", "skype"), CallFact(msk(23, 11, 30), "busy", "magna"))


# --- the file -------------------------------------------------------------------------------


@pure
def test_dun_playbook_parses_with_its_statuses_queue_and_outcomes_dun_1_to_8():
    # given the shipped dun.toml
    pb = playbook("dun")
    # then it is the DUN playbook: pending orders wait in no queue, one worklist
    assert (pb.code, pb.initial_status.code, pb.intake_bucket) == ("dun", "pending", "")
    assert set(pb.statuses) == {"pending", "postponed", "unreachable", "paid", "cancelled"}
    assert {c for c, s in pb.statuses.items() if s.final} == {"paid", "cancelled"}
    assert [(q.code, q.bucket, q.take) for q in pb.queues] == [("worklist", "worklist", "list")]
    assert {c: o.rule for c, o in pb.outcomes.items()} == {
        "postpone": "DUN-5",
        "cancel": "DUN-4",
        "unreachable": "DUN-8",
        "paid": "DUN-5",
    }
    assert pb.outcomes["paid"].roles == ("supervisor",)
    assert "bank_transfer" in pb.payment_methods
    assert pb.settings["caller_lines"] == ["skype", "magna"]


@pure
def test_every_rule_is_a_spec_id_and_every_name_has_three_languages_x_7():
    pb = playbook("dun")
    assert all(SPEC_ID.match(o.rule) for o in pb.outcomes.values())
    assert all(SPEC_ID.match(c.rule) for o in pb.outcomes.values() for c in o.checks)
    assert all(SPEC_ID.match(t.rule) for t in pb.triggers)
    assert all(SPEC_ID.match(q.rule) for q in pb.queues)
    names = [
        pb.names,
        *pb.groups.values(),
        *(s.names for s in pb.statuses.values()),
        *pb.problems.values(),
        *(o.names for o in pb.outcomes.values()),
        *(q.names for q in pb.queues),
    ]
    assert all(n.ru and n.uk and n.en and "?" not in (n.ru, n.uk, n.en) for n in names)
    raw = load_raw("dun")
    used = {f for o in raw["outcomes"] for key in ("requires", "forbids") for f in o.get(key, [])}
    assert used <= OUTCOME_FIELDS
    assert {c.name for o in pb.outcomes.values() for c in o.checks} <= set(REGISTRY)


@pure
def test_triggers_enter_after_7_days_leave_after_6_weeks_and_clean_up_dun_1_dun_8():
    # given the playbook's triggers
    enter, expire, exhausted = playbook("dun").triggers
    # then DUN-1: pending bank transfers in no queue enter the worklist 7 days after creation
    assert (enter.code, enter.rule, enter.when, enter.after_days) == (
        "enter_worklist",
        "DUN-1",
        "age",
        7,
    )
    assert (enter.status, enter.bucket, enter.payment_method) == (
        ("pending",),
        ("",),
        ("bank_transfer",),
    )
    assert [e.as_dict() for e in enter.effects] == [{"effect": "route", "bucket": "worklist"}]
    # and leave it 6 weeks after entering, marked expired, status kept (Decisions)
    assert (expire.since_trigger, expire.after_days, expire.bucket) == (
        "enter_worklist",
        42,
        ("worklist",),
    )
    assert [e.kind for e in expire.effects] == ["mark", "route"]
    assert not any(e.kind in {"set_status", "cancel"} for e in expire.effects)
    # DUN-8: more than 7 emails + calls: the final offer, then cancelled; off by default
    assert (exhausted.when, exhausted.count, exhausted.more_than, exhausted.enabled) == (
        "count",
        ("calls", "messages"),
        7,
        False,
    )
    assert [e.kind for e in exhausted.effects] == ["send_message", "cancel"]


# --- outcomes through the engine ------------------------------------------------------------


@pure
def test_postpone_after_calls_from_two_lines_with_a_russian_comment_is_accepted_dun_5_dun_7():
    # given two calls today from Skype and Magna 2.5 hours apart
    out = outcome("dun", "postpone")
    values = {"reason": "will_think", "days": 3, "comment": RU}
    # when the operator postpones for 3 days ("will read the email and think")
    found = evaluate(out, context(out, values, calls=TWO_LINES))
    # then nothing is refused
    assert found == []


@pure
def test_postpone_lists_every_refused_rule_at_once_dun_5_dun_6_dun_7():
    # given no call today, "promised to pay" for a week, and a comment in Ukrainian
    out = outcome("dun", "postpone")
    values = {"reason": "promised", "days": 7, "comment": "обіцяв сплатити завтра"}
    # when the operator postpones
    found = evaluate(out, context(out, values))
    # then the 3-day hard rule, the missing calls and the language are all refused
    assert pairs(found) == {("DUN-5", "days"), ("DUN-7", "calls"), ("DUN-6", "comment")}


@pure
def test_postpone_until_a_promised_date_dun_5():
    out = outcome("dun", "postpone")
    promised = NOW.date() + timedelta(days=10)
    ok = {"reason": "promised_date", "promised_on": promised, "days": "11", "comment": RU}
    late = {**ok, "promised_on": NOW.date() + timedelta(days=20)}
    assert evaluate(out, context(out, ok, calls=TWO_LINES)) == []
    assert pairs(evaluate(out, context(out, late, calls=TWO_LINES))) == {("DUN-5", "promised_on")}


@pure
def test_postpone_after_today_s_conversation_needs_only_its_comment_dun_7():
    # given one answered call today and a comment written after it
    out = outcome("dun", "postpone")
    talk = (CallFact(msk(23, 10), "answered", "skype"),)
    values = {"reason": "already_paid", "days": 2}
    # then postponing without a comment of its own is allowed after the conversation's
    # comment, refused before it
    after = context(out, values, calls=talk, last_comment_at=msk(23, 10, 5))
    before = context(out, values, calls=talk, last_comment_at=msk(23, 9))
    assert evaluate(out, after) == []
    assert pairs(evaluate(out, before)) == {("DUN-7", "comment")}


@pure
def test_an_unreachable_number_is_postponed_without_calls_dun_8():
    # given an order marked unreachable (number does not exist) and no call today
    out = outcome("dun", "postpone")
    values = {"reason": "other", "comment": "Отправил письмо с реквизитами"}
    # then DUN-7 asks for no calls
    assert evaluate(out, context(out, values, marks=frozenset({"unreachable"}))) == []


@pure
def test_cancel_needs_a_reason_and_a_comment_dun_4():
    # given the calls made but neither a reason nor a comment
    out = outcome("dun", "cancel")
    found = evaluate(out, context(out, {}, calls=TWO_LINES, last_comment_at=msk(23, 11, 40)))
    # then both are asked for
    assert pairs(found) == {("DUN-4", "reason"), ("DUN-4", "comment")}
    # and with them it is accepted
    values = {"reason": "refused", "comment": "Отказался, заказ не нужен"}
    assert evaluate(out, context(out, values, calls=TWO_LINES)) == []


@pure
def test_cancel_with_a_postponement_reason_is_refused_dun_4():
    out = outcome("dun", "cancel")
    values = {"reason": "will_think", "comment": "Отказался, заказ не нужен"}
    assert pairs(evaluate(out, context(out, values, calls=TWO_LINES))) == {("DUN-4", "reason")}


@pure
def test_unreachable_needs_a_failed_call_and_an_email_and_marks_the_order_dun_8():
    out = outcome("dun", "unreachable")
    values = {"comment": "Номер не существует"}
    failed = (CallFact(msk(23, 11), "invalid_number", "skype"),)
    email = "payer@example.com"
    assert pairs(evaluate(out, context(out, values, customer_email=email))) == {("DUN-8", "calls")}
    # "emails only" needs an address the emails can go to
    assert pairs(evaluate(out, context(out, values, calls=failed))) == {("DUN-8", "customer.email")}
    assert evaluate(out, context(out, values, calls=failed, customer_email=email)) == []
    assert [e.as_dict() for e in out.effects] == [{"effect": "mark", "flag": "unreachable"}]


@pure
def test_translit_comment_on_a_cancel_is_refused_dun_6():
    out = outcome("dun", "cancel")
    values = {"reason": "refused", "comment": "otkazalsya, zakaz ne nuzhen"}
    assert pairs(evaluate(out, context(out, values, calls=TWO_LINES))) == {("DUN-6", "comment")}


# --- caller lines ----------------------------------------------------------------------


@pure
@pytest.mark.parametrize(
    ("line", "lines", "refused"),
    [
        ("skype", ("skype", "magna"), False),
        ("", ("skype", "magna"), False),
        ("", (), False),
        ("viber", ("skype", "magna"), True),
        ("skype", (), True),
    ],
)
def test_a_call_s_line_is_one_of_the_project_s_caller_lines_x_8(line, lines, refused):
    found = check_call_line(line, lines)
    assert pairs(found) == ({("X-8", "line")} if refused else set())


# --- wiring, with a database ----------------------------------------------------------------


@pytest.fixture
def dun_world(db):
    from tests.conftest import _world

    return _world("dun", "dun")


def _pending(world):
    order, _ = svc.order_intake(
        project=world.project,
        actor=world.partner,
        external_id=None,
        customer=CustomerInput(name="Петров Пётр", phone="+79161234567"),
        items=[svc.ItemInput(world.products[0].sku)],
        payment_method="bank_transfer",
        created_at=NOW - timedelta(days=10),
        now=NOW - timedelta(days=10),
    )
    return order


def test_a_call_is_recorded_with_its_caller_line_and_an_unknown_line_is_refused_x_8(dun_world):
    # given a DUN order
    order = _pending(dun_world)
    op = dun_world.operator
    # when calls are recorded from Magna and from an unknown line
    call = call_attempt_record(
        order_id=order.pk, actor=op, result="no_answer", line="magna", now=NOW
    )
    with pytest.raises(RuleViolations) as refused:
        call_attempt_record(order_id=order.pk, actor=op, result="no_answer", line="viber", now=NOW)
    # then the first keeps its line, the second is refused citing X-8 and not written
    assert CallAttempt.objects.get(pk=call.pk).line == "magna"
    assert pairs(refused.value.violations) == {("X-8", "line")}
    assert CallAttempt.objects.filter(order=order).count() == 1


def test_the_api_passes_a_call_s_line_x_8(dun_world, api_for):
    order = _pending(dun_world)
    api = api_for(dun_world.operator)
    ok = api.post(f"/orders/{order.pk}/calls", {"result": "busy", "line": "skype"})
    bad = api.post(f"/orders/{order.pk}/calls", {"result": "busy", "line": "viber"})
    assert ok.status_code == 201, ok.data
    assert (bad.status_code, bad.data["errors"][0]["rule"]) == (422, "X-8")
    assert CallAttempt.objects.get(order=order).line == "skype"


def test_postpone_is_checked_with_the_calls_lines_and_saved_with_its_inputs_dun_5_dun_7(
    dun_world,
):
    # given a DUN order called once today from Skype
    order = _pending(dun_world)
    op = dun_world.operator
    call_attempt_record(
        order_id=order.pk,
        actor=op,
        result="no_answer",
        line="skype",
        started_at=msk(23, 9),
        now=msk(23, 9),
    )
    inputs = {"reason": "will_think", "days": "3"}
    # when the operator postpones: refused, one more call from another line is needed
    with pytest.raises(RuleViolations) as refused:
        svc.order_apply_outcome(
            order_id=order.pk, actor=op, code="postpone", comment=RU, inputs=inputs, now=NOW
        )
    assert pairs(refused.value.violations) == {("DUN-7", "calls")}
    # when a second call from Magna 2.5 hours later was made
    call_attempt_record(
        order_id=order.pk,
        actor=op,
        result="busy",
        line="magna",
        started_at=msk(23, 11, 30),
        now=msk(23, 11, 30),
    )
    saved = svc.order_apply_outcome(
        order_id=order.pk, actor=op, code="postpone", comment=RU, inputs=inputs, now=NOW
    )
    # then it is saved postponed, back in the worklist, the inputs in its history
    assert (saved.status, saved.bucket) == ("postponed", "worklist")
    status_line = saved.timeline.order_by("-id").first()
    assert status_line.data["inputs"] == {"reason": "will_think", "days": "3"}


def test_an_unknown_outcome_input_is_refused_as_input_x_7(dun_world):
    order = _pending(dun_world)
    with pytest.raises(RuleViolations) as refused:
        svc.order_apply_outcome(
            order_id=order.pk,
            actor=dun_world.operator,
            code="postpone",
            inputs={"shoe_size": "42"},
            now=NOW,
        )
    assert pairs(refused.value.violations) == {("input", "shoe_size")}
