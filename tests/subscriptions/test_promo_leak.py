"""SUB-5 leak test: after a subscriber cancels and buys the 12 remaining issues with the
operator-only code (552 each), nothing the customer or the partner receives or can read
carries the code text — emails, webhook bodies, the changes feed, the partner's API view,
the order list exports — while the order shows a "special discount"."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client

from dozvon.accounts.services import token_create
from dozvon.audit.models import AuditEntry
from dozvon.changes.models import Change
from dozvon.history.models import TimelineEntry
from dozvon.httpkit.api_serializers import order_out
from dozvon.messaging.models import MessageTemplate, OutboxMessage
from dozvon.messaging.rendering import message_context, render
from dozvon.messaging.services import message_queue, template_save
from dozvon.orders.models import Order
from dozvon.webhooks.services import body_of
from tests.conftest import Api
from tests.subscriptions.test_promo_support import CODE, TWELVE, promo, twelve_left

CONFIRMATION = (
    "Заказ №{{ order_number }} от {{ order_date }}, {{ customer_name }}\n"
    "{% for item in items %}{{ forloop.counter }}. {{ item.name }} × {{ item.quantity }}: "
    "{{ item.price }} −{{ item.discount_percent }} = {{ item.line_total }}"
    "{% if item.gift %} (подарок){% endif %}\n{% endfor %}"
    "Товары {{ goods_total }}, доставка {{ delivery_cost }}, итого {{ total }} {{ currency }}"
)


def hits(texts) -> list[str]:
    needle = CODE.lower()
    return [t[:200] for t in texts if needle in (t or "").lower()]


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return "\n".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())


# committed for real: on PostgreSQL the changes feed shows only committed changes
@pytest.mark.django_db(transaction=True)
def test_code_text_reaches_no_customer_or_partner_output_SUB_5(sub, now):
    # given a subscription with 12 remaining issues at 999 and the project's code
    s = twelve_left(sub)
    promo(sub)
    template_save(
        project=sub.project,
        code="order_confirmation",
        name="Подтверждение",
        subject="Заказ №{{ order_number }}: {{ total }}",
        body_text=CONFIRMATION,
        body_html="<p>" + CONFIRMATION + "</p>",
        actor=sub.supervisor,
        now=now,
    )
    operator = Api(sub.operator, lang="en")
    # when the operator places the order for the 12 issues and applies the code
    placed = operator.post(f"/subscriptions/{s.pk}/order", {"issues": TWELVE})
    assert placed.status_code == 201, placed.data
    order_id = placed.data["id"]
    applied = operator.post(f"/orders/{order_id}/promo", {"code": CODE.lower()})
    assert applied.status_code == 200, applied.data
    assert applied.data["total"] == format(Decimal("552.00") * 12, ".2f")
    assert applied.data["special_discount"] is True
    order = Order.objects.select_related("project", "customer").get(pk=order_id)
    assert order.total == Decimal("6624.00")
    assert order_out(order, now=now)["special_discount"] is True

    # every email of every template of the project, queued for the order and rendered
    texts: list[str] = []
    for template in MessageTemplate.objects.filter(project=sub.project):
        rendered = render(template, message_context(order))
        texts += [rendered.subject, rendered.body_text, rendered.body_html]
        with transaction.atomic():
            message_queue(
                order=order, template=template.code, reason="manual:1", actor=sub.operator, now=now
            )
    messages = list(OutboxMessage.objects.filter(order=order))
    assert messages
    assert any("552" in m.body_text for m in messages)
    texts += [t for m in messages for t in (m.subject, m.body_text, m.body_html)]

    # webhook bodies of the order's changes and the changes feed
    changes = list(Change.objects.filter(order_id=order_id).order_by("id"))
    assert len(changes) >= 2  # created, then edited by the discount
    texts += [body_of(c, order.external_id) for c in changes]
    partner = Api(sub.partner)
    partner.token = token_create(
        user=sub.partner, scopes={sub.project: ["read", "changes"]}, now=now
    )
    partner.client = Client(HTTP_AUTHORIZATION=f"Bearer {partner.token}")
    feed = partner.get(f"/projects/{sub.project.slug}/changes", since_id=0)
    assert feed.status_code == 200 and feed.data["items"]
    texts.append(feed.content.decode())

    # the partner's API view of the order and of the project's order list
    view = partner.get(f"/orders/{order_id}")
    assert view.status_code == 200, view.data
    assert view.data["total"] == "6624.00"
    texts.append(view.content.decode())
    listing = partner.get(f"/projects/{sub.project.slug}/orders")
    texts.append(listing.content.decode())

    # the order list exports (CSV, XLSX)
    web = Client()
    web.force_login(sub.supervisor)
    for fmt in ("csv", "xlsx"):
        response = web.get(f"/p/{sub.project.slug}/orders.{fmt}")
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        texts.append(content.decode("utf-8-sig") if fmt == "csv" else xlsx_text(content))

    # the call centre's own records say "special discount" and never the code either
    timeline = [
        e.text % e.data if e.kind == "auto" else e.text
        for e in TimelineEntry.objects.filter(order_id=order_id)
    ]
    assert (
        "Special discount applied by " + (sub.operator.get_full_name() or sub.operator.username)
        in timeline
    )
    texts += [str(e.data) for e in TimelineEntry.objects.filter(order_id=order_id)]
    texts += timeline
    texts += [str(a.changes) for a in AuditEntry.objects.all()]
    texts.append(operator.get(f"/orders/{order_id}/timeline").content.decode())

    # then the code text is nowhere
    assert hits(texts) == []


def test_refused_codes_change_nothing_and_never_echo_the_code_SUB_5(sub, now):
    from datetime import date

    from tests.subscriptions.test_promo_support import other_collection

    s = twelve_left(sub)
    promo(sub, code="OLD447", valid_until=date(2020, 1, 1))
    promo(sub, code="BAT447", collection=other_collection(sub, now))
    promo(sub)
    operator = Api(sub.operator, lang="en")
    order_id = operator.post(f"/subscriptions/{s.pk}/order", {"issues": TWELVE}).data["id"]
    for code in ("OLD447", "BAT447"):  # expired; another collection's products
        r = operator.post(f"/orders/{order_id}/promo", {"code": code})
        assert r.status_code == 422
        assert [(e["rule"], e["field"]) for e in r.data["errors"]] == [("SUB-5", "code")]
        assert code.lower() not in r.content.decode().lower()
    r = Api(sub.partner).post(f"/orders/{order_id}/promo", {"code": CODE})  # integration
    assert r.status_code == 403
    order = Order.objects.get(pk=order_id)
    assert order.total == Decimal("11988.00") and order.version == 1
    assert not order.extra.get("special_discount")
