"""Issue 24 item 6: the admin speaks Russian to a supervisor and an administrator — the
third-party apps under Russian names ("Защита входа", "Фоновые задачи", not "AXES",
"TASKS DATABASE BACKEND", "Task Results"), audit actions and statuses in words (not
codes), the playbook as tables (not JSON); the counts agreeing with their nouns are in
test_counts_agree_with_nouns.py."""

from __future__ import annotations

import re
from html import unescape

import pytest

from dozvon.audit.services import audit_record
from tests.factories import UserFactory

ENGLISH = re.compile(
    r"(?<![\w./-])(Axes|AXES|Tasks Database Backend|TASKS DATABASE BACKEND|Task Results?|"
    r"Locked Out|Ready|Running|Successful|queue name|Actor|Project|Name)(?![\w/-])"
)


def _text(response) -> str:
    """What a person reads on the page: the body's text, tags and scripts dropped."""
    html = response.content.decode()
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def supervisor_client(client, cod):
    cod.supervisor.is_staff = True
    cod.supervisor.save()
    client.force_login(cod.supervisor)
    return client


def test_the_admins_app_list_names_third_party_apps_in_russian(admin_client):
    # when the administrator opens the admin
    text = _text(admin_client.get("/admin/"))
    # then the login protection and the background tasks are named in Russian
    assert "Защита входа" in text and "Фоновые задачи" in text and "Результаты задач" in text
    assert ENGLISH.findall(text) == []


@pytest.mark.parametrize(
    "url, russian",
    [
        ("/admin/django_tasks_database/dbtaskresult/", ["Ждёт запуска", "Выполнена", "очередь"]),
        ("/admin/axes/accessattempt/", ["Заблокирован", "Попытки доступа"]),
    ],
)
def test_the_task_and_sign_in_lists_are_in_russian(admin_client, url, russian):
    # when the administrator opens the list
    response = admin_client.get(url)
    # then its headings, filters and statuses are Russian
    assert response.status_code == 200
    text = _text(response)
    for words in russian:
        assert words in text, words
    assert ENGLISH.findall(text) == []


def test_an_audit_entry_reads_in_words_with_statuses_by_name_X_12(cod, supervisor_client, now):
    # given an outcome applied to an order of the supervisor's project
    entry = audit_record(
        actor=cod.operator,
        action="order.outcome",
        target_type="order",
        target_id=41,
        project=cod.project,
        changes={"status": ["new", "confirmed"], "problem": "need_callback"},
        now=now,
    )
    # when the supervisor reads the audit log and the entry
    listing = _text(supervisor_client.get("/admin/audit/auditentry/"))
    page = _text(supervisor_client.get(f"/admin/audit/auditentry/{entry.pk}/change/"))
    # then the action, the object and the statuses are words, not codes nor JSON
    for text in (listing, page):
        assert "Результат звонка применён" in text
        assert "order.outcome" not in text and ENGLISH.findall(text) == []
    assert "Новый → В буфере" in page
    assert "Нужно перезвонить" in page  # the problem by its name
    assert '{"' not in page and "new" not in page.split()


def test_the_playbook_page_is_tables_in_words_not_json(cod, supervisor_client):
    # when the supervisor opens the project's playbook
    response = supervisor_client.get(f"/admin/playbooks/playbook/{cod.project.playbook_id}/change/")
    assert response.status_code == 200
    text = _text(response)
    # then statuses with their groups, outcomes with their rules, queues with what they hold
    assert "Статусы" in text and "Результаты звонка" in text and "Очереди" in text
    assert "звонок состоялся (COD-15)" in text
    assert "недозвон, поступившие сегодня, не больше 3 недозвонов" in text
    assert "следующий заказ, сначала старые" in text
    # and nothing of the stored JSON
    for raw in ('{"', '["', "requires_call_made", "oldest_first", "bucket", "unassigned_only"):
        assert raw not in text, raw
    assert ENGLISH.findall(text) == []


def test_an_orders_history_in_the_admin_reads_in_words_with_columns_named_X_6(
    cod, supervisor_client
):
    # given an order received from the partner (an automatic history line)
    order = cod.intake(external_id="A-1")
    # when the supervisor opens the order in the admin, and the list of orders
    page = _text(supervisor_client.get(f"/admin/orders/order/{order.pk}/change/"))
    listing = _text(supervisor_client.get("/admin/orders/order/"))
    # then the history line is in words, its values filled in, and the list's columns and
    # filters are headed in Russian
    assert "%(" not in page and "received" not in page and "Actor" not in page
    assert ENGLISH.findall(listing) == [], ENGLISH.findall(listing)
    assert "Проект" in listing
