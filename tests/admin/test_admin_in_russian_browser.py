"""Issue 24 item 6 in Chromium: a supervisor reads the admin in Russian — the audit log
in words, the playbook as tables — and the administrator sees the third-party apps under
Russian names. Screenshots in var/screenshots/ (supervisor-admin-ru-NN-*.png,
admin-ru-NN-*.png)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dozvon.audit.services import audit_record
from dozvon.playbooks.models import Playbook
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("input[type=submit]")


def test_a_supervisor_and_the_administrator_read_the_admin_in_russian(live_server, pages, shots):
    # given a COD project, its supervisor, an operator and an outcome in the audit log
    project = ProjectFactory(slug="cod", name="Магазин", playbook=Playbook.objects.get(code="cod"))
    sup = UserFactory(username="cod-sup", is_staff=True)
    MembershipFactory(user=sup, project=project, role="supervisor")
    operator = UserFactory(username="cod-op", first_name="Ольга", last_name="Операторова")
    MembershipFactory(user=operator, project=project, role="operator")
    UserFactory(username="root", is_staff=True, is_superuser=True)
    audit_record(
        actor=operator,
        action="order.outcome",
        target_type="order",
        target_id=7,
        project=project,
        changes={"status": ["new", "callback"], "problem": "need_callback"},
        now=timezone.now(),
    )

    # when the supervisor signs in and opens the audit log
    page = pages()
    _sign_in(page, live_server, "cod-sup")
    page.goto(f"{live_server.url}/admin/audit/auditentry/")
    shots(page, "supervisor-admin-ru-01-audit-log")
    # then the entry reads in words, with a count agreeing with its noun
    row = page.locator("#result_list tbody tr").first.inner_text()
    assert "Результат звонка применён" in row and "Ольга Операторова" in row, row
    assert "1 запись" in page.locator(".paginator").inner_text()
    page.locator("#result_list tbody tr a").first.click()
    shots(page, "supervisor-admin-ru-02-audit-entry")
    changes = page.locator(".audit-changes").inner_text()
    assert "Новый → В работе" in changes and "Нужно перезвонить" in changes, changes

    # when he opens the project's playbook
    page.goto(f"{live_server.url}/admin/playbooks/playbook/{project.playbook_id}/change/")
    page.locator(".playbook-outcomes").scroll_into_view_if_needed()
    shots(page, "supervisor-admin-ru-03-playbook")
    # then statuses, outcomes and queues are tables in words
    outcomes = page.locator(".playbook-outcomes").inner_text()
    assert "звонок состоялся (COD-15)" in outcomes and "requires_call_made" not in outcomes
    queues = page.locator(".playbook-queues").inner_text()
    assert "недозвон, поступившие сегодня" in queues and "bucket" not in queues

    # when the administrator signs in
    page = pages()
    _sign_in(page, live_server, "root")
    shots(page, "admin-ru-01-home")
    # then the third-party apps are named in Russian
    home = page.locator("#content-main").inner_text()
    assert "Защита входа" in home.title() or "ЗАЩИТА ВХОДА" in home, home[:500]
    assert "AXES" not in home and "TASKS DATABASE BACKEND" not in home and "Task" not in home
    page.goto(f"{live_server.url}/admin/django_tasks_database/dbtaskresult/")
    shots(page, "admin-ru-02-tasks")
    assert "Результаты задач" in page.content() and "Ждёт запуска" in page.content()
