"""Background work of subscriptions on the `dozvon worker`: SUB-1's information run,
enqueued in the transaction of the supervisor's click (inform.inform_accelerated)."""

from __future__ import annotations

from django_tasks import task

from dozvon.core import clock
from dozvon.subscriptions.inform import inform_run_all


@task()
def inform_run(run_id: int) -> int:
    """Queue the information emails of one run; how many it queued."""
    return inform_run_all(run_id=run_id, now_fn=clock.now).queued
