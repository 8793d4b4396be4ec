"""Issue 23 item 7, "what a tab counts, some operator can be handed" (COD-7/8/9, X-7).

On the demo data of every playbook, after a supervisor reopened a closed order of each
project (the seam where it broke: the reopened order kept its responsible operator, New
counted it, and take next — COD-7, only orders with nobody responsible — never handed it
to anyone), every order that a tab hands out from counts is one that at least one of the
project's operators is handed by take next once it is due. Runs on SQLite and PostgreSQL
(the take is a different statement on each, `queues.services`)."""

from __future__ import annotations

from datetime import timedelta

from dozvon.core.demo import build_demo
from dozvon.orders.claims import claim_idle
from dozvon.orders.models import Order
from dozvon.orders.services import order_reopen
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.models import Membership, Project
from dozvon.queues.selectors import queue_filter
from dozvon.queues.services import queue_candidates


def _reopen_one_closed_order(project, now) -> Order | None:
    """A supervisor reopens the newest closed order that names a responsible operator."""
    pb = playbook_def(project.playbook)
    final = [code for code, s in pb.statuses.items() if s.final]
    closed = (
        Order.objects.filter(project=project, status__in=final, responsible__isnull=False)
        .order_by("-id")
        .first()
    )
    supervisor = (
        Membership.objects.filter(project=project, role="supervisor").select_related("user").first()
    )
    if closed is None or supervisor is None:
        return None
    return order_reopen(
        order_id=closed.pk, actor=supervisor.user, comment="Клиент передумал", now=now
    )


def _moment_it_is_takeable(order: Order, project, now):
    """When the order may be handed out at the earliest: due, and any claim expired."""
    at = max(now, order.due_at or now)
    if order.claimed_at is not None:
        at = max(at, order.claimed_at + claim_idle(project) + timedelta(seconds=1))
    return at


def _nobody_is_handed(project, now) -> list[tuple[str, int]]:
    """(tab, order) pairs a tab counts that no operator of the project is handed."""
    pb = playbook_def(project.playbook)
    operators = [
        m.user
        for m in Membership.objects.filter(project=project, role="operator").select_related("user")
    ]
    stuck = []
    for queue in pb.queues:
        if not queue.callable or "operator" not in queue.roles:
            continue  # COD-6: listed, never handed out
        counted = Order.objects.filter(project=project).filter(
            queue_filter(queue, now=now, tz=project.time_zone)
        )
        for order in counted:
            at = _moment_it_is_takeable(order, project, now)
            if not Order.objects.filter(pk=order.pk).filter(
                queue_filter(queue, now=at, tz=project.time_zone)
            ):
                continue  # by the time it is due it shows in another tab (a day passed)
            if not any(
                queue_candidates(project=project, queue=queue, actor=op, now=at)
                .filter(pk=order.pk)
                .exists()
                for op in operators
            ):
                stuck.append((queue.code, order.pk))
    return stuck


def test_every_order_a_tab_counts_is_handed_to_some_operator_after_a_reopen(db, now):
    # given the demo of every playbook, and in each project a closed order a supervisor
    # reopened (its operator had been responsible for it)
    build_demo(now=now)
    reopened = {}
    for project in Project.objects.order_by("slug"):
        order = _reopen_one_closed_order(project, now)
        if order is not None:
            reopened[project.slug] = order.pk
    assert {"cod-demo", "shop-demo", "pharmacy-demo"} <= set(reopened)
    # when each tab's counted orders are checked against every operator's take next
    stuck = {
        project.slug: found
        for project in Project.objects.order_by("slug")
        if (found := _nobody_is_handed(project, now))
    }
    # then every counted order is some operator's next order once it is due
    assert stuck == {}
    # and the reopened orders are among them, counted in a tab that hands out
    for slug, order_id in reopened.items():
        project = Project.objects.get(slug=slug)
        pb = playbook_def(project.playbook)
        tabs = [
            q.code
            for q in pb.queues
            if q.callable
            and Order.objects.filter(pk=order_id)
            .filter(queue_filter(q, now=now, tz=project.time_zone))
            .exists()
        ]
        assert tabs, (slug, order_id)
