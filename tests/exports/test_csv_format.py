"""Issue 24, item 2: a CSV that Russian Excel opens right — UTF-8 with a BOM, `;`, a
decimal comma, durations `0:12:40`, dates `дд.мм.гггг` — and an XLSX with numeric cells,
number formats and real dates; the screen, the XLSX and the CSV of one report carry the
same columns (X-11, SUB-6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from dozvon.core import tabular
from dozvon.core.tabular import DATE, DATETIME, DURATION, MONEY, NUMBER, PERCENT, TEXT
from dozvon.orders.services.calling import call_attempt_record
from tests.exports.support import as_dicts, body, csv_rows, will_think_contact, xlsx_rows
from tests.subscriptions.conftest import sub_row

DAY = {"from": "23.11.2026", "to": "23.11.2026"}


@pytest.mark.parametrize(
    ("kind", "value", "written"),
    [
        (NUMBER, 12, "12"),
        (NUMBER, -3, "-3"),
        (MONEY, Decimal("1234.5"), "1234,50"),
        (PERCENT, 2 / 3, "0,6667"),
        (PERCENT, 0.25, "0,25"),
        (PERCENT, 1.0, "1"),
        (DURATION, 760, "0:12:40"),
        (DURATION, 90061, "25:01:01"),
        (DATE, date(2026, 12, 7), "07.12.2026"),
        (DATETIME, datetime(2026, 12, 7, 6, 5, tzinfo=UTC), "07.12.2026 09:05"),
        (TEXT, "+79161234567", "'+79161234567"),
        (TEXT, "Иванов", "Иванов"),
        (TEXT, None, ""),
    ],
)
def test_a_csv_cell_is_written_as_russian_excel_reads_it_x_11(kind, value, written):
    assert tabular.csv_value(kind, value, "Europe/Moscow") == written


def test_a_csv_starts_with_a_bom_and_is_semicolon_separated_x_11():
    columns = [tabular.Column("Сумма", MONEY), tabular.Column("Клиент")]
    text = "".join(tabular.csv_chunks(columns, [[Decimal("10"), "Иванов; Пётр"]]))
    assert text == '\ufeffСумма;Клиент\r\n10,00;"Иванов; Пётр"\r\n'


def _calls(cod, now):
    order = cod.intake(now=now)
    for result, seconds in (("answered", 760), ("no_answer", 0), ("answered", 0)):
        call_attempt_record(
            order_id=order.pk, actor=cod.operator, result=result, duration_s=seconds, now=now
        )


def test_a_report_csv_has_decimal_commas_durations_and_russian_dates_x_11(cod, client, now):
    # given three calls of one operator today, two of them answered, 12:40 of talk
    _calls(cod, now)
    client.force_login(cod.supervisor)
    params = {**DAY, "group_by": "operator_day"}
    # when the operators report is downloaded as CSV
    (line,) = as_dicts(csv_rows(body(client.get("/p/cod/reports/operators.csv", params))))
    # then Russian Excel reads every value
    assert line["День"] == "23.11.2026"
    assert line["Звонки"] == "3"
    assert line["Дозвон"] == "0,6667"
    assert line["Время разговора"] == "0:12:40"


def test_a_report_xlsx_has_numbers_formats_and_real_dates_x_11(cod, client, now):
    # given the same calls
    _calls(cod, now)
    client.force_login(cod.supervisor)
    params = {**DAY, "group_by": "operator_day"}
    # when the operators report is downloaded as XLSX
    (row,) = as_dicts(xlsx_rows(body(client.get("/p/cod/reports/operators.xlsx", params))))
    # then days are dates, shares and durations numbers
    assert row["День"] in (date(2026, 11, 23), datetime(2026, 11, 23))
    assert row["Звонки"] == 3
    assert row["Дозвон"] == pytest.approx(2 / 3, abs=1e-4)
    assert row["Время разговора"] == timedelta(seconds=760)  # [h]:mm:ss, a number


def test_the_screen_the_xlsx_and_the_csv_of_a_report_have_the_same_columns_x_11(cod, client, now):
    # given calls today
    _calls(cod, now)
    client.force_login(cod.supervisor)
    params = {**DAY, "group_by": "operator"}
    # when the supervisor's screen and both files are read
    screen = client.get("/p/cod/supervisor", params)
    (shown,) = [t for t in screen.context["tables"] if t["name"] == "operators"]
    xlsx = xlsx_rows(body(client.get("/p/cod/reports/operators.xlsx", params)))
    csv = csv_rows(body(client.get("/p/cod/reports/operators.csv", params)))
    # then the three carry the same headers, in the same order (no ids only a file has)
    assert [str(c.label) for c in shown["columns"]] == xlsx[0] == csv[0]


def test_the_registry_csv_writes_days_as_russian_dates_sub_6(sub, client, now):
    # given a contact today
    (result,) = sub.upsert(sub_row("IM-1"))
    will_think_contact(sub, result.subscription, "подумает", now)
    client.force_login(sub.supervisor)
    # when the registry is downloaded as CSV and XLSX
    (line,) = as_dicts(csv_rows(body(client.get("/p/sub/subscriptions/registry.csv"))))
    (row,) = as_dicts(xlsx_rows(body(client.get("/p/sub/subscriptions/registry.xlsx"))))
    # then the first contact is 23.11.2026 in both, a real date in the XLSX
    assert line["Дата первого обращения"] == "23.11.2026"
    assert row["Дата первого обращения"] in (date(2026, 11, 23), datetime(2026, 11, 23))
    assert (line["Подумает"], row["Подумает"]) == ("1", 1)
