"""Live counts equal a brute-force recount after any sequence of operations (COD-1…6)."""

from collections import Counter
from datetime import timedelta

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dozvon.core.errors import DomainError
from dozvon.orders.models import Order
from dozvon.orders.selectors import order_queue_code
from dozvon.orders.services import order_apply_outcome
from dozvon.orders.services.calling import call_attempt_record
from dozvon.queues import tally
from dozvon.queues.selectors import queue_counts
from dozvon.queues.services import queue_take_next

OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["intake", "fail", "answer_callback", "confirm", "take", "hours", "compact"]
        ),
        st.integers(min_value=0, max_value=7),
    ),
    min_size=1,
    max_size=25,
)


class Rollback(Exception):
    pass


def brute_force(world, now) -> Counter:
    return Counter(
        code
        for code in (
            order_queue_code(o, now=now)
            for o in Order.objects.filter(project=world.project).select_related("project")
        )
        if code
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS)
def test_counts_equal_a_brute_force_recount_after_random_operations(cod, now, ops):
    try:
        with transaction.atomic():
            t = now - timedelta(days=4, hours=2)
            ids: list[int] = []
            for op, n in ops:
                try:
                    if op == "intake":
                        ids.append(cod.intake(phone=f"+7916{len(ids):07d}", created_at=t).pk)
                    elif op == "hours":
                        t += timedelta(hours=3 * (n + 1))
                    elif op == "compact":  # the worker folds old days' tally rows
                        tally.compact(now=t)
                    elif ids:
                        oid = ids[n % len(ids)]
                        if op == "fail":  # one to four failed calls in a row
                            for _ in range(n % 4 + 1):
                                call_attempt_record(
                                    order_id=oid, actor=cod.operator, result="no_answer", now=t
                                )
                                order_apply_outcome(
                                    order_id=oid,
                                    actor=cod.operator,
                                    code="no_answer",
                                    problem="no_answer",
                                    comment="нет ответа",
                                    now=t,
                                )
                        elif op == "answer_callback":
                            call_attempt_record(
                                order_id=oid, actor=cod.operator, result="answered", now=t
                            )
                            order_apply_outcome(
                                order_id=oid,
                                actor=cod.operator,
                                code="callback",
                                problem="need_callback",
                                comment="позже",
                                now=t,
                                callback_at=t + timedelta(hours=n + 1),
                            )
                        elif op == "confirm":
                            call_attempt_record(
                                order_id=oid, actor=cod.operator, result="answered", now=t
                            )
                            order_apply_outcome(
                                order_id=oid, actor=cod.operator, code="confirm", now=t
                            )
                        elif op == "take":
                            queue_take_next(
                                project=cod.project, queue_code="new", actor=cod.operator, now=t
                            )
                except DomainError:
                    pass  # a refused step (e.g. order already closed) changes nothing
                got = {q.code: c for q, c in queue_counts(project=cod.project, now=t) if c}
                assert got == dict(brute_force(cod, t)), (op, n)
            raise Rollback
    except Rollback:
        pass
