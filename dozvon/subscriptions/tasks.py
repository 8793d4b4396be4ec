"""Background work of subscriptions on the `dozvon worker`, each enqueued in the
transaction of the supervisor's click: SUB-1's information run (inform_start.inform_accelerated)
and the writing of a large subscriptions file (X-10, issue 25: uploads.import_commit)."""

from __future__ import annotations

from django_tasks import task

from dozvon.core import clock
from dozvon.subscriptions.import_work import import_work
from dozvon.subscriptions.inform import inform_run_all


@task()
def inform_run(run_id: int) -> int:
    """Queue the information emails of one run; how many it queued."""
    return inform_run_all(run_id=run_id, now_fn=clock.now).queued


@task()
def import_run(import_id: int) -> str:
    """Write one committed subscriptions file batch by batch; its state at the end
    (`done`, `failed`, or as it was when another run had it: never written twice)."""
    upload = import_work(import_id=import_id, now_fn=clock.now)
    return upload.state if upload is not None else "gone"
