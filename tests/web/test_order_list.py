"""Issue 12 "the order list retailCRM users expect" (X-4, X-11): filters by arrival days,
status group, operator, product and queue; sorting by column; search by name in any word
order; export of the current filter to XLSX and CSV with the same rows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from dozvon.core import clock
from dozvon.orders.models import Order


def _orders(cod):
    now = clock.now()
    old = cod.intake(
        phone="+79161230001", name="Петров Пётр Ильич", created_at=now - timedelta(days=3)
    )
    new = cod.intake(
        phone="+79161230002",
        name="Сидорова Анна Павловна",
        skus=[cod.products[2].sku],
        created_at=now - timedelta(minutes=5),
    )
    Order.objects.filter(pk=old.pk).update(responsible=cod.operator, status_group="processing")
    return old, new


def _ids(response) -> list[int]:
    return [
        int(x)
        for x in response.context["rows"] and [r["order"].pk for r in response.context["rows"]]
    ]


def test_the_list_filters_by_days_group_operator_and_product(client, cod):
    old, new = _orders(cod)
    client.force_login(cod.supervisor)
    today = clock.now().astimezone(cod.project_tz()).date()
    assert _ids(client.get("/p/cod/", {"from": today.isoformat()})) == [new.pk]
    assert _ids(client.get("/p/cod/", {"to": (today - timedelta(days=1)).isoformat()})) == [old.pk]
    assert _ids(client.get("/p/cod/", {"status_group": "processing"})) == [old.pk]
    assert _ids(client.get("/p/cod/", {"operator": cod.operator.pk})) == [old.pk]
    assert _ids(client.get("/p/cod/", {"product": cod.products[2].sku})) == [new.pk]
    # malformed values are ignored, never a server error
    assert (
        client.get("/p/cod/", {"from": "31.02", "operator": "x", "sort": "drop"}).status_code == 200
    )


def test_the_list_sorts_by_column_both_ways(client, cod):
    old, new = _orders(cod)
    client.force_login(cod.operator)
    assert _ids(client.get("/p/cod/")) == [new.pk, old.pk]  # newest first
    assert _ids(client.get("/p/cod/", {"sort": "created"})) == [old.pk, new.pk]
    assert _ids(client.get("/p/cod/", {"sort": "-customer"})) == [new.pk, old.pk]
    assert _ids(client.get("/p/cod/", {"sort": "customer"})) == [old.pk, new.pk]


def test_name_search_finds_words_in_any_order_x_4(client, cod):
    old, _ = _orders(cod)
    client.force_login(cod.operator)
    assert _ids(client.get("/p/cod/", {"q": "Пётр Петров"})) == [old.pk]
    assert _ids(client.get("/p/cod/", {"q": "ильич петр"})) == [old.pk]


def test_exports_carry_the_filtered_rows_typed_x_11(client, cod):
    old, new = _orders(cod)
    client.force_login(cod.operator)
    response = client.get("/p/cod/orders.xlsx", {"product": cod.products[2].sku})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Номер" and sheet.freeze_panes == "A2"
    assert [r[0] for r in rows[1:]] == [new.pk]
    assert isinstance(rows[1][8], float | int) and rows[1][8] == 2500  # a number, not text
    assert hasattr(rows[1][1], "year")  # a date cell
    response = client.get("/p/cod/orders.csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert [int(r[0]) for r in table[1:]] == [new.pk, old.pk]


def test_an_operator_of_another_project_cannot_export_x_1(client, cod, shop):
    _orders(cod)
    client.force_login(shop.operator)
    assert client.get("/p/cod/orders.csv").status_code == 404
