"""Issue 25, item 2: a C0 control character other than tab, LF and CR (a vertical tab
`\\u000b`, an ESC `\\u001b`) cannot be stored, so every XLSX export of the project cannot
fail on it (openpyxl's IllegalCharacterError answered 500). Refused at every entrance —
JSON API bodies (422 `input` naming the field, translated), web forms and query strings
(400 naming the field), uploaded tables (naming the line and column) — and a value stored
before the rule still never breaks an export (X-5, X-10, X-11)."""

from __future__ import annotations

import io

import pytest

from dozvon.core.tabular import TableRefused, checked_lines
from dozvon.offers.tabular import TableError, read_table
from dozvon.orders.models import Order
from dozvon.subscriptions.importing import read_sheet
from tests.api.support import assert_error_shape, intake_body
from tests.exports.support import as_dicts, body, csv_rows, xlsx_rows


@pytest.mark.parametrize("char", ["\x0b", "\x1b", "\x01", "\x1f"])
def test_an_api_body_with_a_control_character_is_422_input_naming_the_field(cod, api_for, char):
    # given an intake whose customer name holds a control character
    payload = intake_body(cod)
    payload["customer"]["name"] = f"Иван{char}ов"
    # when the partner sends it
    response = api_for(cod.partner).post("/projects/cod/orders", payload)
    # then it is refused as input, naming the field, in the caller's language; nothing stored
    assert_error_shape(response)
    (error,) = response.data["errors"]
    assert (error["rule"], error["field"]) == ("input", "customer.name")
    assert "Управляющие символы" in error["message"]
    assert not Order.objects.exists()


def test_tabs_and_line_breaks_are_text_and_pass(cod, api_for):
    # given a name with a tab, LF and CR (text, not control characters to refuse)
    payload = intake_body(cod)
    payload["customer"]["name"] = "Иванов\tИван\r\nИванович"
    # when the partner sends it, then the order is taken
    assert api_for(cod.partner).post("/projects/cod/orders", payload).status_code == 201


def test_a_form_field_with_a_control_character_is_400_naming_the_field(cod, client):
    # given an order and its operator
    order = cod.intake()
    client.force_login(cod.operator)
    # when a comment with an ESC is posted from the card
    response = client.post(f"/orders/{order.pk}/comment", {"text": "перезвонить\x1b[31m"})
    # then the request is refused naming the field; nothing written
    assert response.status_code == 400
    assert "Управляющие символы" in response.content.decode()
    assert "(text)" in response.content.decode()
    assert Order.objects.get(pk=order.pk).last_comment == ""
    # and a query string with one is refused the same way, its name shown escaped
    refused = client.get("/p/cod/", {"<b>q\x1b</b>": "ив\x0bан"})
    assert refused.status_code == 400
    assert "&lt;b&gt;q&lt;/b&gt;" in refused.content.decode()


def test_an_uploaded_table_with_a_control_character_is_refused_naming_line_and_column():
    # given a subscriptions CSV and an offers CSV, each with an ESC in line 2, column 2
    subs = "number;name;phone;collection;plan;issues_total;issues_delivered;suspend_on\n"
    subs += "IM-1;Иван\x1bов;+79161234567;im;accelerated;100;88;31.12.2027\n"
    campaigns = "code;name;priority;starts_on\nNEW;Нов\x1bая;1;01.12.2026\n"
    # when they are read
    sheet = read_sheet(subs.encode(), "subs.csv")
    with pytest.raises(TableError) as refused:
        read_table(io.BytesIO(campaigns.encode()), filename="c.csv", kind="campaigns")
    # then both refuse the file naming where the character is
    (problem,) = sheet.problems
    assert dict(problem.params)["line"] == 2 and dict(problem.params)["column"] == 2
    assert "2" in str(refused.value)
    with pytest.raises(TableRefused):
        list(checked_lines([["a", "b\x0bc"]]))


def test_a_stored_control_character_never_breaks_an_export_x_11(cod, client):
    # given a customer name stored with control characters before the rule existed
    order = cod.intake()
    Order.objects.filter(pk=order.pk).update(
        customer_name="Иван\x0bов\x1b", last_comment="звонок\x01"
    )
    client.force_login(cod.supervisor)
    # when the order list is exported, then both files are written, the characters dropped
    (row,) = as_dicts(xlsx_rows(body(client.get("/p/cod/orders.xlsx"))))
    assert (row["Клиент"], row["Последний комментарий"]) == ("Иванов", "звонок")
    (line,) = as_dicts(csv_rows(body(client.get("/p/cod/orders.csv"))))
    assert line["Клиент"] == "Иванов"
