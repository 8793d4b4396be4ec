"""Take next (COD-7…9): one due order to one operator, by skills, oldest New first."""

from datetime import timedelta

import pytest

from dozvon.core.errors import Forbidden, NotFound, RuleViolations
from dozvon.orders.services import order_apply_outcome
from dozvon.orders.services.calling import call_attempt_record
from dozvon.playbooks.services import playbook_files, playbook_load
from dozvon.queues.services import order_release, queue_take_next
from tests.factories import MembershipFactory, UserFactory


def take(world, user, now, code="new"):
    return queue_take_next(project=world.project, queue_code=code, actor=user, now=now)


def test_new_orders_are_taken_oldest_first_cod_7(cod, now):
    # given three new orders that arrived at different times
    newer = cod.intake(phone="+79161110001", created_at=now - timedelta(minutes=5))
    oldest = cod.intake(phone="+79161110002", created_at=now - timedelta(minutes=30))
    cod.intake(phone="+79161110003", created_at=now - timedelta(minutes=10))
    # when an operator takes the next New order
    taken = take(cod, cod.operator, now)
    # then it is the oldest, now claimed by them
    assert taken.pk == oldest.pk != newer.pk
    assert taken.claimed_by == cod.operator


def test_new_orders_with_a_responsible_operator_are_not_taken_from_new_cod_7(cod, now):
    # given a New order that already has a responsible operator
    order = cod.intake(created_at=now - timedelta(minutes=5))
    type(order).objects.filter(pk=order.pk).update(responsible=cod.supervisor)
    # when an operator takes from New, then nothing is handed out
    assert take(cod, cod.operator, now) is None


def test_operator_gets_only_orders_for_products_in_their_scripts_cod_7(cod, now):
    # given an operator skilled only in the gift product
    user = UserFactory(username="narrow")
    member = MembershipFactory(user=user, project=cod.project, all_products=False)
    member.skills.set([cod.products[1]])
    cod.intake(
        phone="+79161110001", skus=[cod.products[0].sku], created_at=now - timedelta(minutes=30)
    )
    mine = cod.intake(
        phone="+79161110002", skus=[cod.products[1].sku], created_at=now - timedelta(minutes=5)
    )
    # when they take next, then they get the order for their product though it is newer
    assert take(cod, user, now).pk == mine.pk
    assert take(cod, user, now).pk == mine.pk  # holding a claim: the same order again


def test_two_operators_never_get_the_same_order_cod_9(cod, now):
    first = cod.intake(phone="+79161110001", created_at=now - timedelta(minutes=20))
    second = cod.intake(phone="+79161110002", created_at=now - timedelta(minutes=10))
    other = UserFactory(username="op-b")
    MembershipFactory(user=other, project=cod.project)
    a = take(cod, cod.operator, now)
    b = take(cod, other, now)
    assert {a.pk, b.pk} == {first.pk, second.pk}
    with pytest.raises(NotFound):  # not a member of the project
        take(cod, UserFactory(username="op-c"), now)
    third = UserFactory(username="op-d")
    MembershipFactory(user=third, project=cod.project)
    assert take(cod, third, now) is None


def test_an_idle_claim_expires_and_the_order_comes_back_cod_9(cod, now):
    # given an order claimed by one operator who went idle
    order = cod.intake(created_at=now - timedelta(minutes=30))
    assert take(cod, cod.operator, now).pk == order.pk
    other = UserFactory(username="op-b")
    MembershipFactory(user=other, project=cod.project)
    # when another operator asks within the idle limit, then nothing
    assert take(cod, other, now + timedelta(minutes=9)) is None
    # and after it, the order is handed to them
    assert take(cod, other, now + timedelta(minutes=11)).pk == order.pk


def test_released_order_goes_back_to_its_queue(cod, now):
    order = cod.intake(created_at=now - timedelta(minutes=30))
    take(cod, cod.operator, now)
    released = order_release(order_id=order.pk, actor=cod.operator, now=now)
    assert released.claimed_by is None
    other = UserFactory(username="op-b")
    MembershipFactory(user=other, project=cod.project)
    assert take(cod, other, now).pk == order.pk


def test_another_operator_cannot_save_a_result_on_a_claimed_order_cod_9(cod, now):
    order = cod.intake(created_at=now - timedelta(minutes=30))
    take(cod, cod.operator, now)
    other = UserFactory(username="op-b")
    MembershipFactory(user=other, project=cod.project)
    with pytest.raises(RuleViolations) as refused:
        call_attempt_record(order_id=order.pk, actor=other, result="answered", now=now)
    assert refused.value.violations[0].rule == "COD-9"


def test_no_answer_earlier_is_listed_but_never_handed_out_cod_6(cod, now):
    with pytest.raises(RuleViolations) as refused:
        take(cod, cod.operator, now, code="no_answer_earlier")
    assert refused.value.violations[0].rule == "COD-6"


def test_unknown_queue_is_not_found(cod, now):
    with pytest.raises(NotFound):
        take(cod, cod.operator, now, code="nope")


def test_quick_recall_is_due_two_minutes_after_the_failed_call_cod_2(cod, now):
    # given a New order taken and called without an answer
    order = cod.intake(created_at=now - timedelta(minutes=30))
    take(cod, cod.operator, now)
    call_attempt_record(order_id=order.pk, actor=cod.operator, result="no_answer", now=now)
    order_apply_outcome(
        order_id=order.pk,
        actor=cod.operator,
        code="no_answer",
        problem="no_answer",
        comment="не берёт",
        now=now,
    )
    # then quick recall hands it out only from two minutes later
    assert take(cod, cod.operator, now + timedelta(minutes=1), "quick_recall") is None
    later = take(cod, cod.operator, now + timedelta(minutes=2), "quick_recall")
    assert later.pk == order.pk


def test_a_queue_declares_who_may_take_from_it(cod, now, tmp_path):
    # given a COD playbook whose "in work" queue only supervisors may take from
    source = next(p for p in playbook_files() if p.stem == "cod").read_text("utf-8")
    edited = source.replace(
        'code = "in_work"\nbucket = "in_work"\n',
        'code = "in_work"\nbucket = "in_work"\nroles = ["supervisor"]\n',
    )
    assert edited != source
    changed = tmp_path / "cod.toml"
    changed.write_text(edited, "utf-8")
    playbook_load(path=changed, now=now)
    cod.project.refresh_from_db()
    # when an operator asks for the next order of that queue, then it is forbidden
    with pytest.raises(Forbidden):
        take(cod, cod.operator, now, code="in_work")
    # while the supervisor may
    assert take(cod, cod.supervisor, now, code="in_work") is None


def test_the_taken_order_carries_every_field_as_stored_cod_9(cod, now):
    # given a New order with a comment, a name key and a total
    cod.intake(phone="+79161119999", created_at=now - timedelta(minutes=3))
    # when it is taken, then the returned order equals a fresh read of the row
    taken = take(cod, cod.operator, now)
    stored = type(taken).objects.get(pk=taken.pk)
    for field in type(taken)._meta.concrete_fields:
        assert getattr(taken, field.attname) == getattr(stored, field.attname), field.name


def test_other_tabs_are_taken_from_the_top_of_their_list_not_by_longest_due_cod_8(cod, now):
    # given two callbacks in In work, both due now: the older order has waited longer
    older = cod.intake(phone="+79161110001", created_at=now - timedelta(hours=5))
    newer = cod.intake(phone="+79161110002", created_at=now - timedelta(hours=4))
    for order, due in ((older, now - timedelta(hours=2)), (newer, now - timedelta(minutes=1))):
        call_attempt_record(
            order_id=order.pk, actor=cod.operator, result="answered", now=now - timedelta(hours=3)
        )
        order_apply_outcome(
            order_id=order.pk,
            actor=cod.operator,
            code="callback",
            problem="need_callback",
            comment="25.11 перезвонить, просит позже",
            callback_at=due,
            now=now - timedelta(hours=3),
        )
    # when an operator takes the next order of In work
    taken = take(cod, cod.operator, now, code="in_work")
    # then it is the top of the tab's list (newest first), as the operator sees it
    assert taken.pk == newer.pk
