"""Issue 24 item 4: a count agrees with its noun, in Russian and Ukrainian, for 1, 2, 5, 11
and 21 — the admin's lists ("5 записей", not "5 сценарии"), the supervisor's live panel
("1 оператор держит заказы", not "1 оператор(ов)"), the SUB information progress ("из 21
подписчика")."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


RU_ENTRIES = {1: "1 запись", 2: "2 записи", 5: "5 записей", 11: "11 записей", 21: "21 запись"}
RU_HOLDERS = {
    1: "1 оператор держит заказы",
    2: "2 оператора держат заказы",
    5: "5 операторов держат заказы",
    11: "11 операторов держат заказы",
    21: "21 оператор держит заказы",
}


@pytest.mark.parametrize("n", [1, 2, 5, 11, 21])
def test_an_admin_lists_count_agrees_with_its_noun(n):
    # given an admin list of n rows / when its paginator is rendered in Russian
    cl = SimpleNamespace(result_count=n, formset=None)
    with translation.override("ru"):
        html = render_to_string("admin/pagination.html", {"cl": cl})
    # then the count agrees with its noun
    assert RU_ENTRIES[n] in re.sub(r"\s+", " ", html)


@pytest.mark.parametrize("n", [1, 2, 5, 11, 21])
def test_the_live_panels_operator_count_agrees_with_its_noun(n, cod, now):
    # given n operators holding orders / when the supervisor's live panel is rendered
    context = {
        "project": cod.project,
        "live_every": 15,
        "live_at": now,
        "holders": n,
        "idle_claims": 0,
        "idle_minutes": 10,
        "claims": [],
        "live_queues": [],
    }
    with translation.override("ru"):
        html = render_to_string("reports/_live.html", context)
    # then "N оператор(а/ов)" agrees, the live number still marked for the page's script
    text = _text(html)
    assert RU_HOLDERS[n] in text
    assert f'<b data-live="holders">{n}</b>' in html
    assert "(ов)" not in text


def test_the_counts_agree_in_ukrainian_too(cod):
    with translation.override("uk"):
        html = render_to_string(
            "admin/pagination.html", {"cl": SimpleNamespace(result_count=5, formset=None)}
        )
    assert "5 записів" in html


RU_PROGRESS = {
    1: "Проинформировано 1 из 1 подписчика на ускоренном плане",
    2: "Проинформировано 1 из 2 подписчиков на ускоренном плане",
    5: "Проинформировано 1 из 5 подписчиков на ускоренном плане",
    11: "Проинформировано 1 из 11 подписчиков на ускоренном плане",
    21: "Проинформировано 1 из 21 подписчика на ускоренном плане",
}


@pytest.mark.parametrize("n", [1, 2, 5, 11, 21])
def test_the_information_progress_agrees_with_its_total_SUB_1(n, sub_project):
    # given a run that informed one of n accelerated subscribers
    progress = SimpleNamespace(informed=1, total=n, problems=0, run=None, running=False)
    # when the progress is rendered in Russian
    with translation.override("ru"):
        html = render_to_string(
            "subscriptions/_progress.html", {"progress": progress, "project": sub_project}
        )
    # then "из N подписчика/подписчиков" agrees
    assert RU_PROGRESS[n] in _text(html)


@pytest.fixture
def sub_project(cod):
    return cod.project
