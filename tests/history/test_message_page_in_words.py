"""X-9, X-6: one email's page speaks the operator's language — its headers От, Кому, Тема,
Дата; the template by its name and the language by its name; who queued it by full name;
why in words — with no code in sight."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone, translation

from dozvon.messaging.demo import seed_demo_templates
from dozvon.messaging.services import message_send_now
from dozvon.messaging.views import reason_text
from dozvon.playbooks.models import Playbook
from dozvon.playbooks.selectors import playbook_def
from tests.messaging.conftest import order_with_email
from tests.web.test_no_raw_codes import visible

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_an_emails_page_has_russian_headers_and_names_not_codes_x_9(cod):
    # given an operator with a name who sends the bank details by hand
    seed_demo_templates(cod.project, sender_name="Магазин «Дозвон»")
    cod.operator.first_name, cod.operator.last_name = "Анна", "Смирнова"
    cod.operator.save(update_fields=["first_name", "last_name"])
    order = order_with_email(cod)
    message, _ = message_send_now(
        order_id=order.pk, template="bank_details", actor=cod.operator, now=timezone.now()
    )
    # when the operator opens the email's page in Russian
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(cod.operator)
    page = unescape(client.get(f"/messages/{message.pk}/").content.decode())
    # then its headers are in Russian
    headers = re.findall(r"<dt>(.*?)</dt>", page)
    assert headers[:4] == ["От", "Кому", "Тема", "Дата"]
    assert not {"From", "To", "Subject", "Date"} & set(headers)
    # and the date as people write it, the person by name, the reason in words
    date = re.search(r"<dt>Дата</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert re.match(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", date)
    text = visible(re.search(r"<article.*?</article>", page, re.S).group(0))
    assert "Анна Смирнова" in text and "отправлено вручную" in text
    # and no template code, language code or reason code
    for code in ("bank_details", "(ru)", ", ru)", "manual:", cod.operator.username):
        assert code not in text, code


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("manual:3", "отправлено вручную"),
        ("trigger:expire", "автоматически по правилу DUN-1"),
        ("escalation:7", "запрос возврата партнёру (SUB-3)"),
        ("DUN-8", "по правилу DUN-8"),
        ("demo:outcome", ""),
    ],
)
@pytest.mark.django_db
def test_why_an_email_was_queued_reads_in_words_x_9(reason, expected, dun):
    # given the DUN playbook and an email's stored reason
    pb = playbook_def(Playbook.objects.get(code="dun"))
    # when the page says why
    with translation.override("ru"):
        text = reason_text(reason, pb)
    # then in words, never the code
    assert text == expected
