"""Issue 12 "Russian formats and language everywhere": no rendered page in Russian shows a
raw playbook code (status, problem, outcome, queue) as text, and the admin shows no model
name in English."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from dozvon.core import clock
from dozvon.orders.services import order_apply_outcome, order_update
from dozvon.orders.services.calling import call_attempt_record
from dozvon.playbooks.selectors import playbook_def
from tests.factories import UserFactory


class _Text(HTMLParser):
    """The text a person sees: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "title"}:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style", "title"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def _codes(project) -> set[str]:
    pb = playbook_def(project.playbook)
    codes = {*pb.statuses, *pb.problems, *pb.outcomes, *(q.code for q in pb.queues)}
    codes |= {"delivery_address", "customer.surname", "delivery_method"}  # field codes too
    return {c for c in codes if "_" in c or len(c) > 3}


def _orders(world):
    now = clock.now()
    orders = [
        world.intake(phone=f"+7916444000{i}", created_at=now - timedelta(minutes=30 - i))
        for i in range(3)
    ]
    call_attempt_record(order_id=orders[0].pk, actor=world.operator, result="no_answer", now=now)
    call_attempt_record(order_id=orders[1].pk, actor=world.operator, result="answered", now=now)
    order_update(
        order_id=orders[2].pk,
        actor=world.operator,
        version=None,
        customer={"surname": "Новикова"},
        fields={"delivery_address": {"city": "Тула"}},
        now=now,
    )
    if world.project.playbook.code == "cod":
        order_apply_outcome(
            order_id=orders[1].pk,
            actor=world.operator,
            code="callback",
            problem="need_callback",
            comment="25.11 перезвонить",
            callback_at=now + timedelta(hours=2),
            now=now,
        )
    return orders


@pytest.mark.parametrize("world_name", ["cod", "shop"])
def test_no_page_in_russian_shows_a_raw_playbook_code(world_name, request, client, db):
    world = request.getfixturevalue(world_name)
    orders = _orders(world)
    codes = _codes(world.project)
    client.force_login(world.supervisor)
    slug = world.project.slug
    pages = ["/", f"/p/{slug}/", f"/p/{slug}/supervisor", *(f"/orders/{o.pk}/" for o in orders)]
    for path in pages:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="ru", follow=True)
        assert response.status_code == 200, path
        text = visible(response.content.decode())
        shown = {c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)}
        assert not shown, (path, shown)


def test_the_admin_shows_every_model_name_in_russian(cod, client):
    root = UserFactory(username="root-ru", is_superuser=True, is_staff=True)
    client.force_login(root)
    with translation.override("en"):
        english = {
            str(model._meta.verbose_name_plural).capitalize()
            for model in admin.site._registry
            if model._meta.app_label.split("_")[0] not in {"django", "auth"}
        }
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    text = visible(html)
    with translation.override("ru"):
        untranslated = sorted(
            name for name in english if re.search(rf"\b{re.escape(name)}\b", text)
        )
    assert not untranslated, untranslated
    # and each list page answers
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="ru").status_code == 200, url


def test_the_admin_order_list_shows_statuses_and_problems_by_name(cod, client):
    _orders(cod)
    root = UserFactory(username="root-ru2", is_superuser=True, is_staff=True)
    client.force_login(root)
    html = client.get("/admin/orders/order/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    text = visible(html)
    assert "В работе" in text and "Нужно перезвонить" in text
    assert not re.search(r"(?<![\w-])need_callback(?![\w-])", text)
