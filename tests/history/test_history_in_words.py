"""X-6: the order's history in words (issue 24 item 5): an edit line shows each value by
its label, money as money, a day as дд.мм.гггг, a time as чч:мм, nothing as «—» — read
from the values the line keeps, so lines written before today read right too."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from decimal import Decimal

from django.utils import timezone, translation

from dozvon.delivery.models import DeliveryMethod, MethodKind
from dozvon.history.models import TimelineEntry
from dozvon.history.words import Reader, show_value
from dozvon.orders import services as svc
from dozvon.orders.selectors import order_history_reader, order_timeline, timeline_text
from dozvon.orders.services.calling import call_attempt_record
from dozvon.playbooks.selectors import playbook_def

RAW = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}|(?<![.\d])\d+\.\d{2}(?![.\d])|∅|\[|'")


def _lines(order, kind="edit") -> list[str]:
    pb = playbook_def(order.project.playbook)
    with translation.override("ru"):
        return [timeline_text(e, pb) for e in order_timeline(order) if e.kind == kind]


def _edit(world, order, **kw):
    order.refresh_from_db()
    return svc.order_update(
        order_id=order.pk, actor=world.operator, version=order.version, now=timezone.now(), **kw
    )


def test_delivery_edit_lines_show_the_method_name_money_day_and_time_x_6(shop):
    # given a SHOP order and the project's courier within the MKAD
    DeliveryMethod.objects.create(
        project=shop.project,
        code="within_mkad",
        name_ru="Курьер в пределах МКАД",
        kind=MethodKind.COURIER,
    )
    order = shop.intake()
    day = (timezone.now() + timedelta(days=3)).date()
    # when the operator fills in the delivery
    _edit(
        shop,
        order,
        fields={
            "delivery_method": "within_mkad",
            "delivery_cost": Decimal("350"),
            "delivery_date": day,
            "delivery_time_from": time(10, 0),
            "payment_method": "cash",
        },
    )
    # then each line says its value as a person reads it
    lines = _lines(order)
    assert "Способ доставки: — → Курьер в пределах МКАД" in lines
    assert "Стоимость доставки: 0\u00a0₽ → 350\u00a0₽" in lines
    assert f"Дата доставки: — → {day:%d.%m.%Y}" in lines
    assert "Доставка с: — → 10:00" in lines
    assert "Способ оплаты: — → Наличные" in lines
    # and no raw value is left: no code, ISO day, seconds, "350.00", ∅
    for line in lines:
        assert not RAW.search(line), line
        assert "within_mkad" not in line and "cash" not in line


def test_customer_choices_read_by_their_names_x_3_x_6(cod):
    # given a private customer with no gender recorded
    order = cod.intake()
    # when the operator sets the gender and makes the customer a legal entity
    _edit(cod, order, customer={"gender": "female", "type": "legal"})
    # then the history names the choices, not their codes
    lines = _lines(order)
    assert "Пол: — → Женский" in lines
    assert "Тип клиента: Физическое лицо → Юридическое лицо" in lines
    assert not any("female" in line or "legal" in line for line in lines)


def test_a_line_written_before_today_reads_in_words_too_x_6(cod):
    # given an edit line as the old code stored it: raw values in its text and data
    order = cod.intake()
    TimelineEntry.objects.create(
        order=order,
        kind="edit",
        at=timezone.now(),
        text="delivery_date: ∅ → 2026-12-08",
        data={"field": "delivery_date", "old": None, "new": "2026-12-08"},
    )
    TimelineEntry.objects.create(
        order=order,
        kind="edit",
        at=timezone.now(),
        text="customer.extra_phones: [] → ['+79161112233']",
        data={"field": "customer.extra_phones", "old": [], "new": ["+79161112233"]},
    )
    # when the card reads it
    lines = _lines(order)
    # then it shows the day and the phone as people write them
    assert "Дата доставки: — → 08.12.2026" in lines
    assert "Доп. телефоны: — → +7 916 111-22-33" in lines


def test_an_automatic_mark_is_named_not_coded_dun_5(dun):
    # given the line "already paid" wrote: the order marked proof_requested
    order = dun.intake()
    TimelineEntry.objects.create(
        order=order,
        kind="auto",
        at=timezone.now(),
        text="Marked automatically: %(flag)s (%(rule)s)",
        data={"flag": "proof_requested", "rule": "DUN-5", "effect": "mark"},
    )
    # when it is read
    (line,) = _lines(order, kind="auto")[-1:]
    # then the mark is in words
    assert "запрошено подтверждение оплаты" in line
    assert "proof_requested" not in line


def test_a_result_line_names_its_problem_and_what_it_set_x_6(cod):
    # given a status line of a result with a problem and a delivery day (raw in its data)
    order = cod.intake()
    pb = playbook_def(order.project.playbook)
    problem = next(iter(pb.problems))
    statuses = list(pb.statuses)
    TimelineEntry.objects.create(
        order=order,
        kind="status",
        at=timezone.now(),
        text="…",
        data={
            "from": statuses[0],
            "to": statuses[1],
            "problem": problem,
            "fields": {"delivery_date": "2026-12-08", "delivery_cost": "0.00"},
        },
    )
    # when it is read
    line = _lines(order, kind="status")[-1]
    # then the problem by its name and the day and cost in words
    with translation.override("ru"):
        assert pb.problems[problem].get("ru") in line
    assert "Дата доставки: 08.12.2026" in line and "Стоимость доставки: 0\u00a0₽" in line
    assert problem not in line and "2026-12-08" not in line


def test_the_day_is_not_shifted_for_a_stored_date_x_6():
    # given values of a day, a time and nothing (pure rendering, no database)
    # then a day, a time and nothing read as people write them
    assert show_value("delivery_date", "2026-01-31", Reader()) == "31.01.2026"
    assert show_value("delivery_date", date(2026, 1, 31), Reader()) == "31.01.2026"
    assert show_value("delivery_time_to", "14:30:00", Reader()) == "14:30"
    assert show_value("customer.email", "", Reader()) == "—"


def test_one_reader_reads_an_orders_lines_in_one_statement_x_6(shop, django_assert_max_num_queries):
    # given an order with several money and delivery method lines
    DeliveryMethod.objects.create(
        project=shop.project, code="pickup", name_ru="Самовывоз", kind=MethodKind.PICKUP
    )
    order = shop.intake()
    for cost in ("100", "200", "300"):
        _edit(shop, order, fields={"delivery_cost": Decimal(cost), "paid_amount": Decimal(cost)})
    _edit(shop, order, fields={"delivery_method": "pickup", "delivery_cost": Decimal("0")})
    pb = playbook_def(order.project.playbook)
    entries = list(order_timeline(order))
    order.refresh_from_db()
    # when the card reads them with one reader of the order
    reader = order_history_reader(order, pb)
    with translation.override("ru"), django_assert_max_num_queries(1):
        lines = [timeline_text(e, pb, reader) for e in entries]
    # then the method names are read once and every line is in words
    assert "Способ доставки: — → Самовывоз" in lines
    assert "Оплачено: 200\u00a0₽ → 300\u00a0₽" in lines


def test_an_email_queued_by_hand_names_the_operator_not_the_login_x_9(cod):
    # given an operator with a name, and the line of an email they queued (login in data)
    cod.operator.first_name, cod.operator.last_name = "Анна", "Смирнова"
    cod.operator.save(update_fields=["first_name", "last_name"])
    order = cod.intake()
    TimelineEntry.objects.create(
        order=order,
        kind="auto",
        at=timezone.now(),
        actor=cod.operator,
        text='Email "%(name)s" to %(to)s queued by %(actor)s',
        data={"name": "Реквизиты", "to": "a@example.com", "actor": cod.operator.username},
    )
    # when it is read
    line = _lines(order, kind="auto")[-1]
    # then the person by name
    assert "Анна Смирнова" in line and cod.operator.username not in line


def test_the_dun_expiry_mark_is_named_dun_1(dun):
    # given the line of the six weeks' expiry (DUN-1)
    order = dun.intake()
    TimelineEntry.objects.create(
        order=order,
        kind="auto",
        at=timezone.now(),
        text="Marked automatically: %(flag)s (%(rule)s)",
        data={"flag": "expired", "rule": "DUN-1", "effect": "mark"},
    )
    # then it reads in words
    line = _lines(order, kind="auto")[-1]
    assert "срок работы с заказом истёк" in line and "expired" not in line


def test_a_callback_time_reads_in_the_projects_time_zone_x_14(cod):
    # given a project in Novosibirsk and a result line with a callback at 05:30 UTC
    cod.project.time_zone = "Asia/Novosibirsk"
    cod.project.save(update_fields=["time_zone"])
    order = cod.intake()
    pb = playbook_def(order.project.playbook)
    statuses = list(pb.statuses)
    TimelineEntry.objects.create(
        order=order,
        kind="status",
        at=timezone.now(),
        data={"from": statuses[0], "to": statuses[1], "callback_at": "2026-12-08T05:30:00+00:00"},
    )
    # when it is read
    line = _lines(order, kind="status")[-1]
    # then the time is the project's (UTC+7), as the operator agreed it
    assert "08.12.2026 12:30" in line


def test_a_call_line_reads_in_the_readers_language_whatever_the_writers_x_8(cod, now):
    # given a failed call recorded while English was active
    order = cod.intake()
    with translation.override("en"):
        call_attempt_record(order_id=order.pk, actor=cod.operator, result="no_answer", now=now)
    entry = TimelineEntry.objects.filter(order=order, kind="call").get()
    pb = playbook_def(order.project.playbook)
    # then a Russian reader reads it in Russian, an English one in English
    with translation.override("ru"):
        assert timeline_text(entry, pb) == "Недозвон"
    with translation.override("en"):
        assert timeline_text(entry, pb) == "No answer"
