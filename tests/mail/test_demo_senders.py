"""Issue 24 item 4, X-9: an email a customer can trust comes from the shop's public name
and address — each demo project's own («Аптека Здоровье <orders@apteka.example>»), never
`dozvon@localhost` nor the internal project name "… (демо)"; a project without its own
sender falls back to DEFAULT_FROM_EMAIL, and its emails sign with that name too."""

from __future__ import annotations

import email
from email import policy

import pytest
import time_machine
from django.core import mail
from django.core.mail import get_connection
from django.db import transaction
from django.test import override_settings

from dozvon.core.demo import build_demo
from dozvon.messaging.models import MailSettings, MessageTemplate
from dozvon.messaging.sending import outbox_send
from dozvon.messaging.services import message_queue_to, template_save
from dozvon.projects.models import Project
from tests.conftest import NOW

# what each demo project's emails say in From (README "Demo")
DEMO_FROM = {
    "cod-demo": "Полезные товары <orders@poleznye.example>",
    "shop-demo": "Мир инструментов <orders@instrumenty.example>",
    "pharmacy-demo": "Аптека Здоровье <orders@apteka.example>",
    "subscriptions-demo": "Издательство «Коллекции» <podpiska@kollekcii.example>",
}


def _send(project, template: str, key: str):
    """Queue `template` of `project` to a customer and send it as the worker does; the
    email as the customer's mail program reads it."""
    with transaction.atomic():
        message, _ = message_queue_to(
            project=project,
            to="client@example.org",
            customer_name="Иванова Анна",
            template=template,
            key=key,
            context={},
            actor=None,
            now=NOW,
        )
    mail.outbox = []
    connection = get_connection("django.core.mail.backends.locmem.EmailBackend")
    assert outbox_send(message_id=message.pk, connection=connection, now=NOW) == "sent"
    (sent,) = mail.outbox
    return email.message_from_bytes(sent.message().as_bytes(), policy=policy.default)


@pytest.mark.django_db
def test_every_demo_projects_email_comes_from_its_public_sender_X_9(db):
    # given the demo, as `make demo` builds it
    with time_machine.travel(NOW, tick=True):
        build_demo(now=NOW)
    assert set(DEMO_FROM) <= set(MailSettings.objects.values_list("project__slug", flat=True)), (
        "every demo project that emails customers has its public sender"
    )
    for slug, expected in DEMO_FROM.items():
        project = Project.objects.get(slug=slug)
        template = MessageTemplate.objects.filter(project=project).order_by("id").first()
        # when one of its emails is sent
        received = _send(project, template.code, key=f"test:{slug}")
        # then From is the shop's public name and address
        assert received["From"] == expected, slug
        assert "localhost" not in received["From"] and "демо" not in received["From"]
        # and the email never shows the internal project name
        body = received.get_body(("plain",)).get_content()
        assert project.name not in body and "(демо)" not in body, slug


@pytest.mark.django_db
@override_settings(DEFAULT_FROM_EMAIL="Дозвон-сервис <noreply@dozvon.example>")
def test_a_project_without_its_own_sender_sends_and_signs_as_the_default_sender_X_9(shop, now):
    # given a project named internally "Склад (тест)" with no mail settings of its own
    shop.project.name = "Склад (тест)"
    shop.project.save()
    template_save(
        project=shop.project,
        code="note",
        name="Уведомление",
        subject="Письмо от {{ shop_name }}",
        body_text="Здравствуйте!\n\nС уважением,\n{{ shop_name }}",
        actor=shop.supervisor,
        now=now,
    )
    # when its email is sent
    received = _send(shop.project, "note", key="test:default")
    # then it comes from, and is signed by, DEFAULT_FROM_EMAIL — not the project's name
    assert received["From"] == "Дозвон-сервис <noreply@dozvon.example>"
    assert received["Subject"].strip() == "Письмо от Дозвон-сервис"
    assert received.get_body(("plain",)).get_content().rstrip().endswith("Дозвон-сервис")
    assert "Склад" not in received.as_string()


@pytest.mark.django_db
@override_settings(DEFAULT_FROM_EMAIL="noreply@dozvon.example")
def test_a_projects_own_address_with_the_default_senders_name_missing_is_the_bare_address_X_9(
    shop, now
):
    # given a project whose mail settings give an address only, and a default sender
    # without a name
    MailSettings.objects.create(project=shop.project, from_email="info@shop.example")
    template_save(
        project=shop.project,
        code="note",
        name="Уведомление",
        subject="Уведомление",
        body_text="Текст{% if shop_name %} от {{ shop_name }}{% endif %}",
        actor=shop.supervisor,
        now=now,
    )
    # when its email is sent
    received = _send(shop.project, "note", key="test:bare")
    # then From is the project's own address, and no name is made up from the project's
    assert received["From"] == "info@shop.example"
    assert received.get_body(("plain",)).get_content().strip() == "Текст"
