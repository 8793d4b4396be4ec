"""X-10, issue 25 item 3: a large subscriptions file is written by the worker, batch by
batch, while its page shows the progress; a task run twice, a double click or a worker
that died never writes a row twice; a refusal found by the worker stops the file before
anything is written. A file of up to 500 rows is still written in the request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dozvon.audit.models import AuditEntry
from dozvon.subscriptions import tasks
from dozvon.subscriptions.import_work import BATCH, import_batch, import_check_rest
from dozvon.subscriptions.models import ImportState, Subscription, SubscriptionImport
from dozvon.subscriptions.uploads import STALLED, SYNC_ROWS, import_commit
from tests.subscriptions.conftest import sub_row
from tests.subscriptions.support_import import csv_of, upload

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as in production

ROWS = 600  # more than SYNC_ROWS: two batches


def run_worker():
    call_command("db_worker", "--batch", "--queue-name", "default")


def import_tasks():
    return DBTaskResult.objects.filter(task_path=tasks.import_run.module_path)


def audits(action):
    return AuditEntry.objects.filter(action=action).count()


@pytest.fixture
def big(sub, client):
    """A file of ROWS new subscriptions uploaded and previewed: its preview URL."""
    assert SYNC_ROWS < ROWS <= 2 * BATCH
    client.force_login(sub.supervisor)
    url = upload(client, csv_of(ROWS))
    assert client.get(url).context["preview"].ok
    return url


def test_a_large_file_is_written_by_the_worker_while_its_page_shows_the_progress(big, client):
    url = big
    # when the supervisor commits it, twice (a double click)
    first = client.post(url + "/commit")
    second = client.post(url + "/commit")
    # then both lead back to its page, one task is queued and nothing is written yet
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"] == url
    upload_ = SubscriptionImport.objects.get()
    assert (upload_.state, upload_.done, upload_.total) == (ImportState.QUEUED, 0, ROWS)
    assert import_tasks().count() == 1 and not Subscription.objects.exists()
    page = client.get(url).content.decode()
    assert 'data-state="queued"' in page and 'hx-trigger="every 2s"' in page
    assert f"/import/{upload_.pk}/progress" in page
    # when the worker has written the first batch (as its task does, step by step)
    _first_batch_written(upload_)
    # then the page's poll shows the progress and keeps polling
    poll = client.get(url + "/progress").content.decode()
    assert 'data-state="running"' in poll and 'hx-trigger="every 2s"' in poll
    assert f'<progress max="{ROWS}" value="{BATCH}">' in poll
    assert f"Импортировано строк: {BATCH} из {ROWS}" in poll
    assert Subscription.objects.count() == BATCH
    # when the worker runs the task to the end
    run_worker()
    # then every row is written once, and the poll shows the summary and stops polling
    upload_.refresh_from_db()
    assert (upload_.state, upload_.done) == (ImportState.DONE, ROWS)
    assert upload_.result == {"created": ROWS, "updated": 0, "unchanged": 0}
    assert upload_.committed_at is not None and upload_.committed_by is not None
    assert Subscription.objects.count() == ROWS
    assert audits("subscription.add") == ROWS and audits("subscription.import") == 1
    poll = client.get(url + "/progress").content.decode()
    assert 'data-state="done"' in poll and "hx-get" not in poll
    assert f"Импортировано: новых — {ROWS}, обновлено — 0, без изменений — 0." in poll


def test_the_task_run_again_after_it_finished_writes_nothing_more(big, client):
    # given a committed file the worker finished
    client.post(big + "/commit")
    upload_ = SubscriptionImport.objects.get()
    run_worker()
    # when its task runs again (a worker killed after the work, before marking its task
    # done, leaves it to be run again) — as the worker runs it, and directly
    tasks.import_run.enqueue(upload_.pk)
    run_worker()
    assert tasks.import_run.call(upload_.pk) == ImportState.DONE
    # then nothing was written twice
    upload_.refresh_from_db()
    assert upload_.result == {"created": ROWS, "updated": 0, "unchanged": 0}
    assert Subscription.objects.count() == ROWS
    assert audits("subscription.add") == ROWS and audits("subscription.import") == 1
    assert audits("subscription.change") == 0
    # and committing it again queues nothing
    assert client.post(big + "/commit").status_code == 303
    assert import_tasks().count() == 2


def _first_batch_written(upload_):
    """What a worker does before it dies: the file checked, its first batch written."""
    rows = SubscriptionImport.objects.values_list("rows", flat=True).get(pk=upload_.pk)
    assert import_check_rest(import_id=upload_.pk, rows=rows, now=timezone.now())
    assert not import_batch(import_id=upload_.pk, rows=rows, now=timezone.now())


def test_a_task_run_after_a_worker_died_midway_carries_on_from_its_last_batch(big, client):
    # given a committed file whose worker died after its first batch, its task left queued
    client.post(big + "/commit")
    upload_ = SubscriptionImport.objects.get()
    _first_batch_written(upload_)
    assert Subscription.objects.count() == BATCH
    # when another worker runs the task
    run_worker()
    # then the file is finished from where it stopped, each row written once
    upload_.refresh_from_db()
    assert (upload_.state, upload_.done) == (ImportState.DONE, ROWS)
    assert upload_.result == {"created": ROWS, "updated": 0, "unchanged": 0}
    assert Subscription.objects.count() == ROWS and audits("subscription.add") == ROWS


def test_a_stalled_file_is_offered_to_carry_on_and_then_finished_once(big, client, sub):
    # given a committed file whose worker died after its first batch, its task lost
    client.post(big + "/commit")
    upload_ = SubscriptionImport.objects.get()
    _first_batch_written(upload_)
    import_tasks().delete()
    # when the supervisor commits again while it is not stalled, nothing changes
    again = import_commit(
        import_id=upload_.pk, project=sub.project, actor=sub.supervisor, now=timezone.now()
    )
    assert (again.state, again.done) == (ImportState.RUNNING, BATCH)
    assert not import_tasks().exists() and not client.get(big).context["stalled"]
    # when it has not moved for STALLED, then its page offers to carry on
    stalled_at = timezone.now() - STALLED - timedelta(minutes=1)
    SubscriptionImport.objects.update(progress_at=stalled_at, queued_at=stalled_at)
    page = client.get(big)
    assert page.context["stalled"] and "/commit" in page.content.decode()
    # and carrying on writes the rest (small enough for the request), each row once
    assert client.post(big + "/commit")["Location"] == "/p/sub/subscriptions"
    upload_.refresh_from_db()
    assert (upload_.state, upload_.done) == (ImportState.DONE, ROWS)
    assert upload_.result == {"created": ROWS, "updated": 0, "unchanged": 0}
    assert Subscription.objects.count() == ROWS and audits("subscription.add") == ROWS
    assert audits("subscription.import") == 1


def test_a_refusal_found_by_the_worker_stops_the_file_before_anything_is_written(big, client, sub):
    # given the file's line 9 (number L-00007, base plan) made accelerated meanwhile (SUB-2)
    sub.upsert(sub_row("L-00007", phone="+79160000007"))
    before = Subscription.objects.count()
    # when the file is committed and the worker runs
    client.post(big + "/commit")
    run_worker()
    # then the file stopped, nothing of it written, naming the line and the rule
    upload_ = SubscriptionImport.objects.get()
    assert (upload_.state, upload_.done) == (ImportState.FAILED, 0)
    assert Subscription.objects.count() == before and audits("subscription.import") == 0
    assert ("SUB-2", "line 9.plan") in [(r, f) for r, f, *_ in upload_.failure]
    assert {f.split(".")[0] for _, f, *_ in upload_.failure} == {"line 9"}
    page = client.get(big).content.decode()
    assert 'data-state="failed"' in page and 'data-rule="SUB-2"' in page
    assert "hx-get" not in page and "/commit" in page  # may be tried again


def test_a_file_of_up_to_500_rows_is_written_in_the_request(sub, client):
    # given a file of SYNC_ROWS rows
    client.force_login(sub.supervisor)
    url = upload(client, csv_of(SYNC_ROWS))
    # when it is committed
    response = client.post(url + "/commit")
    # then it is written at once, no task queued, back to the list with the counts
    assert response.status_code == 303 and response["Location"] == "/p/sub/subscriptions"
    assert SubscriptionImport.objects.get().state == ImportState.DONE
    assert Subscription.objects.count() == SYNC_ROWS and not import_tasks().exists()
