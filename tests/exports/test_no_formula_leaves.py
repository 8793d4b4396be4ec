"""Issue 24, item 1 (OWASP "CSV injection"): whatever a user types that starts like a
formula (`=`, `+`, `-`, `@`, a tab, CR) leaves the product in every export — the order
list, each report, the SUB registry, the DUN worklist, the NBO offers report; XLSX and
CSV — as text no spreadsheet runs, while numbers stay numbers (X-11, SUB-6, DUN-3, NBO-5).

Each test types hostile texts into the fields a user writes that reach the file, downloads
the files as a signed-in user, and reads them back: no formula cell in any sheet, no CSV
field starting with a formula character unless it is a number (`support.py`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from dozvon.customers.services import CustomerInput
from dozvon.offers.services import nbo_interaction_record
from dozvon.orders import services as svc
from dozvon.orders.models import Order
from dozvon.orders.services.calling import call_attempt_record
from dozvon.reports.registry import reports_for
from tests.dunning.support import at, in_worklist
from tests.exports.support import (
    CSV_NUMBER,
    as_dicts,
    body,
    csv_rows,
    hostile,
    will_think_contact,
    xlsx_rows,
)
from tests.factories import ProductFactory
from tests.subscriptions.conftest import sub_row

DAY = {"from": "22.11.2026", "to": "23.11.2026"}


def _both(client, url, params=None) -> tuple[list[list], list[list[str]]]:
    """The XLSX and the CSV of one export, both checked (no formula, no unescaped lead)."""
    xlsx = xlsx_rows(body(client.get(f"{url}.xlsx", params or {})))
    csv = csv_rows(body(client.get(f"{url}.csv", params or {})))
    return xlsx, csv


def _texts(rows) -> set[str]:
    return {v for row in rows for v in row if isinstance(v, str)}


def _hostile_cod_order(cod, now) -> Order:
    """A COD order whose product, customer, address, payment status and comment were
    typed by someone who meant harm; called once by an operator with such a name."""
    product = ProductFactory(project=cod.project, sku="evil", name=hostile("="), price=1000)
    order = cod.intake(name=hostile("=", "Иванов"), skus=[product.sku], now=now)
    order = svc.order_update(
        order_id=order.pk,
        actor=cod.operator,
        version=order.version,
        fields={
            "delivery_address": {
                "city": hostile("+"),
                "street": "-2+3 Ленина",
                "house": "@SUM(1)",
                "apartment": "\t=1+1",
            },
            "payment_status": "@cmd",
        },
        now=now,
    )
    svc.order_add_comment(order_id=order.pk, actor=cod.operator, text="-2+3 перезвонить", now=now)
    cod.operator.first_name, cod.operator.last_name = "=1+1", "@Оператор"
    cod.operator.save(update_fields=["first_name", "last_name"])
    call_attempt_record(
        order_id=order.pk, actor=cod.operator, result="no_answer", duration_s=760, now=now
    )
    return Order.objects.get(pk=order.pk)


def test_the_order_list_writes_typed_formulas_as_text_and_numbers_as_numbers_x_11(cod, client, now):
    # given an order whose every user-written text starts like a formula
    order = _hostile_cod_order(cod, now)
    client.force_login(cod.supervisor)
    # when the order list is exported
    xlsx, csv = _both(client, "/p/cod/orders")
    # then the texts are in the files as written (XLSX) or escaped with ' (CSV) ...
    (row,) = as_dicts(xlsx)
    assert row["Клиент"] == hostile("=", "Иванов")
    assert row["Товары"] == f"{hostile('=')} × 1"
    assert row["Последний комментарий"] == "-2+3 перезвонить"
    assert row["Статус оплаты"] == "@cmd"
    assert hostile("+") in row["Адрес доставки"]
    (line,) = as_dicts(csv)
    assert line["Клиент"] == "'" + hostile("=", "Иванов")
    assert line["Последний комментарий"] == "'-2+3 перезвонить"
    assert line["Телефон"] == "'+7 916 123-45-67"  # readable, not a formula, not a number
    # ... and numbers stay numbers
    assert row["Номер"] == order.pk and row["Итого"] == 1000
    assert line["Итого"] == "1000,00" and line["Номер"] == str(order.pk)


def test_every_report_of_the_project_writes_typed_formulas_as_text_x_11(cod, client, now):
    # given hostile texts in the operator's name and the order's fields, and a call
    _hostile_cod_order(cod, now)
    client.force_login(cod.supervisor)
    names = [r.name for r in reports_for(cod.project)]
    assert names
    for name in names:
        # when each report is downloaded in both formats
        xlsx, csv = _both(client, f"/p/cod/reports/{name}", DAY)
        # then no formula and no unescaped lead (checked while reading), names as text
        assert xlsx[0] == csv[0], name  # the same headers in both files
    xlsx, csv = _both(client, "/p/cod/reports/operators", {**DAY, "group_by": "operator"})
    assert "=1+1 @Оператор" in _texts(xlsx)
    assert "'=1+1 @Оператор" in _texts(csv)


def test_the_sub_registry_writes_typed_formulas_as_text_sub_6(sub, client, now):
    # given a subscriber and a contact comment typed as formulas
    (result,) = sub.upsert(sub_row("IM-1", name=hostile("=", "Иванов")))
    will_think_contact(sub, result.subscription, "@SUM(1) подумает", now)
    client.force_login(sub.supervisor)
    # when the registry report is downloaded
    xlsx, csv = _both(client, "/p/sub/reports/registry", DAY)
    # then the comment is text, escaped in the CSV, and the group is written by its name
    assert "@SUM(1) подумает" in _texts(xlsx)
    assert "'@SUM(1) подумает" in _texts(csv)
    assert "green" not in _texts(xlsx) | _texts(csv)


def test_the_registry_file_writes_typed_formulas_as_text_and_outcomes_as_numbers_sub_6(
    sub, client, now
):
    # given a subscriber and a contact comment typed as formulas
    (result,) = sub.upsert(sub_row("IM-1", name=hostile("=", "Иванов")))
    will_think_contact(sub, result.subscription, "\r=1+1 подумает", now)
    client.force_login(sub.supervisor)
    # when the registry is downloaded
    xlsx, csv = _both(client, "/p/sub/subscriptions/registry")
    # then texts are text, outcomes numbers, the group by its name
    (row,) = as_dicts(xlsx)
    assert row["Клиент"] == hostile("=", "Иванов") and row["Подумает"] == 1
    assert row["Группа"] == "зелёная"
    (line,) = as_dicts(csv)
    assert line["Клиент"].startswith("'=") and line["Подумает"] == "1"
    assert line["Телефон"] == "'+7 916 123-45-67"
    assert "green" not in _texts(xlsx) | _texts(csv)


def test_the_dun_worklist_file_writes_typed_formulas_as_text_dun_3(dun, client):
    # given an order in the worklist whose customer and comment were typed as formulas
    entered = at(16, 9)
    order, _ = svc.order_intake(
        project=dun.project,
        actor=dun.partner,
        external_id="DUN-EVIL",
        customer=CustomerInput(name=hostile("=", "Петров"), phone="+79163000001"),
        items=[svc.ItemInput(dun.products[0].sku, 4)],
        payment_method="bank_transfer",
        created_at=entered - timedelta(days=7),
        now=entered - timedelta(days=7),
    )
    in_worklist(dun, entered=entered, n=2)
    svc.order_add_comment(
        order_id=order.pk,
        actor=dun.operator,
        text="=ГИПЕРССЫЛКА(адрес) клиент обещал оплатить завтра",
        now=entered + timedelta(hours=1),
    )
    client.force_login(dun.operator)
    # when the worklist of every order is downloaded a week later
    with time_machine.travel(at(23, 12), tick=False):
        xlsx, csv = _both(client, "/p/dun/worklist", {"status": "all", "due": "all"})
    # then texts are text; week, bonus and units are numbers
    rows = {r["Номер"]: r for r in as_dicts(xlsx)}
    row = rows[order.pk]
    assert row["Клиент"] == hostile("=", "Петров")
    assert row["Последний комментарий"].startswith("=ГИПЕРССЫЛКА")
    assert (row["Неделя"], row["Единицы"]) == (2, 4)
    assert row["Бонус"] == pytest.approx(0.15)
    lines = {r["Номер"]: r for r in as_dicts(csv)}
    line = lines[str(order.pk)]
    assert line["Клиент"].startswith("'=") and line["Неделя"] == "2"
    assert line["Бонус"] == "0,15"


def test_the_nbo_offers_report_writes_typed_names_as_text_and_shares_as_numbers_nbo_5(
    nbo, client, now
):
    # given an operator whose name was typed as a formula, who voiced an offer
    nbo.operator.first_name, nbo.operator.last_name = "=1+1", "@Оператор"
    nbo.operator.save(update_fields=["first_name", "last_name"])
    nbo_interaction_record(
        project=nbo.project,
        actor=nbo.operator,
        phone="+79161234567",
        line="first",
        subject="Вопрос о тарифе",
        comment="+1 спросил о тарифе",
        offers=[{"offer": "INBA", "response": "yes"}],
        now=now,
    )
    client.force_login(nbo.supervisor)
    # when the offers report is downloaded per operator
    xlsx, csv = _both(client, "/p/telecom/reports/offers", {**DAY, "group_by": "operator"})
    # then the name is text (escaped in the CSV) and the shares are numbers
    assert "=1+1 @Оператор" in _texts(xlsx)
    assert "'=1+1 @Оператор" in _texts(csv)
    row = next(r for r in as_dicts(xlsx) if r.get("Оператор") == "=1+1 @Оператор")
    line = next(r for r in as_dicts(csv) if r.get("Оператор") == "'=1+1 @Оператор")
    shares = [k for k, v in row.items() if isinstance(v, float)]
    assert shares and all(CSV_NUMBER.fullmatch(line[k]) for k in shares)
