"""X-11 reports through the API: the contract's shape, who may read them (X-2, X-13),
refusals that name the rule and the field, and the files (XLSX typed, CSV with a BOM)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import time_machine
from django.test import Client

from dozvon.accounts.services import token_create
from dozvon.orders.services import order_add_item, order_apply_outcome
from dozvon.orders.services.calling import call_attempt_record
from tests.conftest import NOW
from tests.factories import MembershipFactory, UserFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _today():
    """ "Today" is the day of the tests' NOW (12:00 in Moscow)."""
    with time_machine.travel(NOW, tick=False):
        yield


def _work(world, now):
    order = world.intake(phone="+79161112233", created_at=now - timedelta(hours=2))
    call_attempt_record(
        order_id=order.pk, actor=world.operator, result="answered", duration_s=95, now=now
    )
    order_add_item(
        order_id=order.pk, actor=world.operator, sku=world.products[2].sku, quantity=1, now=now
    )
    order_apply_outcome(order_id=order.pk, actor=world.operator, code="confirm", now=now)
    return order


def _errors(response):
    return [(e["rule"], e["field"]) for e in response.data["errors"]]


def test_supervisor_reads_the_operators_report_as_json_x_11(cod, api_for, now):
    _work(cod, now)
    api = api_for(cod.supervisor, lang="en")
    response = api.get(
        "/projects/cod/reports/operators", **{"from": "2026-11-23", "to": "23.11.2026"}
    )
    assert response.status_code == 200, response.data
    body = response.data
    assert body["report"] == "operators" and body["rule"] == "X-11"
    assert (body["from"], body["to"], body["group_by"]) == ("2026-11-23", "2026-11-23", "operator")
    assert body["time_zone"] == "Europe/Moscow"
    names = [c["name"] for c in body["columns"]]
    assert names[:2] == ["operator", "operator_name"]
    assert {"calls", "contacts", "talk_time", "orders_worked", "approval_rate", "gifts"} <= set(
        names
    )
    assert {c["name"]: c["type"] for c in body["columns"]}["talk_time"] == "duration"
    [row] = body["rows"]
    assert row["operator"] == cod.operator.pk
    assert (row["calls"], row["contacts"], row["talk_time"], row["orders_worked"]) == (1, 1, 95, 1)
    assert (row["approved"], row["approval_rate"], row["upsell_share"]) == (1, 1.0, 1.0)
    assert row["avg_check"] == "3500.00"  # money as a decimal string (API.md)


def test_reports_default_to_today_and_their_own_grouping_x_11(cod, api_for, now):
    _work(cod, now)
    api = api_for(cod.supervisor)
    body = api.get("/projects/cod/reports/outcomes").data
    assert body["group_by"] == "total" and body["from"] == body["to"]
    [row] = body["rows"]
    assert (row["group"], row["status"], row["outcomes"], row["share"]) == (
        "confirmed",
        "confirmed",
        1,
        1.0,
    )
    funnel = api.get("/projects/cod/reports/funnel", group_by="day").data
    [row] = funnel["rows"]
    assert (row["day"], row["status"], row["orders"]) == ("2026-11-23", "confirmed", 1)


def test_headers_follow_the_readers_language_x_11(cod, api_for):
    english = api_for(cod.supervisor, lang="en").get("/projects/cod/reports/operators").data
    assert {c["name"]: c["label"] for c in english["columns"]}["calls"] == "Calls"


def test_refused_ranges_and_groupings_name_x_11_and_the_field(cod, api_for):
    api = api_for(cod.supervisor)
    cases = [
        ({"from": "31.02.2026"}, [("X-11", "from")]),
        ({"from": "2026-11-10", "to": "2026-11-01"}, [("X-11", "to")]),
        ({"from": "2025-01-01", "to": "2026-12-31"}, [("X-11", "to")]),
        ({"group_by": "week"}, [("X-11", "group_by")]),
        ({"format": "pdf"}, [("X-11", "format")]),
    ]
    for params, expected in cases:
        response = api.get("/projects/cod/reports/operators", **params)
        assert response.status_code == 422, params
        assert _errors(response) == expected, params
    # the funnel is by arrival day or for the whole range, not per operator
    response = api.get("/projects/cod/reports/funnel", group_by="operator")
    assert response.status_code == 422 and _errors(response) == [("X-11", "group_by")]


def test_who_may_read_reports_x_2_x_13(cod, shop, api_for):
    path = "/projects/cod/reports/operators"
    assert Client().get(f"/api/v1{path}").status_code == 401
    assert api_for(cod.operator).get(path).status_code == 403
    assert api_for(cod.delivery).get(path).status_code == 403
    # another project's people do not learn that it exists
    assert api_for(shop.supervisor).get(path).status_code == 404
    assert api_for(shop.operator).get(path).status_code == 404
    # unknown reports, and reports of another playbook, are not found
    assert api_for(cod.supervisor).get("/projects/cod/reports/nope").status_code == 404
    assert api_for(cod.supervisor).get("/projects/cod/reports/registry").status_code == 404


def _scoped(world, scopes):
    token = token_create(user=world.partner, scopes={world.project: scopes}, now=NOW)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_reporting_tool_reads_with_a_read_scoped_token_x_13(cod):
    assert _scoped(cod, ["read"]).get("/api/v1/projects/cod/reports/funnel").status_code == 200
    assert _scoped(cod, ["intake"]).get("/api/v1/projects/cod/reports/funnel").status_code == 403


def test_xlsx_has_typed_cells_headers_in_the_readers_language_and_a_frozen_header_x_11(
    cod, api_for, now
):
    _work(cod, now)
    api = api_for(cod.supervisor, lang="en")
    for kwargs in ({"format": "xlsx"}, {"HTTP_ACCEPT": XLSX}):
        response = api.client.get(
            "/api/v1/projects/cod/reports/operators",
            {"format": kwargs["format"]} if "format" in kwargs else {},
            **({k: v for k, v in kwargs.items() if k != "format"}),
        )
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        assert response["Content-Disposition"].endswith('-operators-20261123-20261123.xlsx"')
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = book.active
        assert sheet.freeze_panes == "A2"
        header = [c.value for c in sheet[1]]
        assert header[:2] == ["Operator", "Calls"]  # the screen's columns: no ids (issue 24)
        row = {h: c for h, c in zip(header, sheet[2], strict=True)}
        assert row["Calls"].value == 1 and row["Calls"].data_type == "n"
        assert row["Average check"].value == 3500 and row["Average check"].number_format == (
            "#,##0.00"
        )
        assert row["Approval rate"].value == 1.0 and row["Approval rate"].number_format.endswith(
            "%"
        )
        talk = row["Talk time"].value
        assert (talk.total_seconds() if isinstance(talk, timedelta) else talk * 86400) == 95
        assert sheet.column_dimensions["A"].width >= 20


def test_xlsx_days_are_dates_x_11(cod, api_for, now):
    _work(cod, now)
    api = api_for(cod.supervisor)
    response = api.client.get(
        "/api/v1/projects/cod/reports/operators", {"format": "xlsx", "group_by": "day"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A2"].value in (datetime(2026, 11, 23), date(2026, 11, 23))
    assert sheet["A2"].number_format == "DD.MM.YYYY"


def test_csv_is_utf8_with_a_bom_and_as_russian_excel_reads_it_x_11(cod, api_for, now):
    _work(cod, now)
    api = api_for(cod.supervisor, lang="ru")
    response = api.client.get(
        "/api/v1/projects/cod/reports/outcomes", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text[1:].splitlines()
    assert len(lines) == 2
    assert lines[1].split(";")[-2:] == ["1", "1"]  # a share of 1.0 with a decimal comma


def test_the_report_endpoint_is_documented_in_openapi_x_11(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/projects/{slug}/reports/{name}"]["get"]
    params = {p["name"] for p in operation["parameters"]}
    assert {"from", "to", "group_by", "format"} <= params
    content = operation["responses"]["200"]["content"]
    assert {"application/json", XLSX, "text/csv"} <= set(content)


def test_another_projects_operator_member_gets_404_x_1(cod, shop, api_for):
    # given an operator of SHOP only
    stranger = UserFactory(username="stranger")
    MembershipFactory(user=stranger, project=shop.project, role="supervisor")
    assert api_for(stranger).get("/projects/cod/reports/funnel").status_code == 404
