"""X-11 per playbook: SHOP's results are done or cancelled by reason (SHOP-4/5, the reason
being the cancellation status itself), its approval rate is done over done, cancelled and
call-backs; DUN has no approval rate (operators cannot mark an order paid). The playbooks'
own reports — DUN-9 payments after calls, NBO-5 offers, SUB-6 the registry — through the
API (JSON, XLSX, CSV) and on the supervisor's screen, with the domain selectors' numbers."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from dozvon.interactions.services import interaction_record
from dozvon.offers.selectors import offers_kpi
from dozvon.orders.services import order_apply_outcome
from dozvon.orders.services.calling import call_attempt_record
from dozvon.payments.selectors import payments_after_calls, payments_after_calls_totals
from dozvon.payments.services import payment_report
from dozvon.reports.registry import report_for, run
from dozvon.subscriptions.selectors import registry_rows
from tests.conftest import NOW
from tests.factories import MembershipFactory, UserFactory
from tests.offers.conftest import CORPORATE, nbo, record  # noqa: F401  (the NBO project)
from tests.payments.support import call, dun_order
from tests.subscriptions.conftest import sub, sub_row  # noqa: F401  (the SUB project)

MSK = ZoneInfo("Europe/Moscow")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _shop_day(shop, now):
    done = []
    for i, code in enumerate(
        ["done", "done", "bought_elsewhere", "price_not_suitable", "call_back"]
    ):
        order = shop.intake(phone=f"+7916777000{i}", created_at=now - timedelta(hours=3))
        call_attempt_record(order_id=order.pk, actor=shop.operator, result="answered", now=now)
        order_apply_outcome(
            order_id=order.pk,
            actor=shop.operator,
            code=code,
            callback_at=now + timedelta(days=1) if code == "call_back" else None,
            now=now,
        )
        done.append(order)
    return done


def test_shop_results_are_done_and_cancelled_by_reason_shop_4_5(shop, now):
    _shop_day(shop, now)
    day = now.date()
    rows = run(shop.project, report_for(shop.project, "outcomes"), day, day, "total").rows
    got = {(r["group"], r["status"]): (r["outcomes"], r["share"]) for r in rows}
    assert got[("done", "done")][0] == 2
    assert got[("cancelled", "bought_elsewhere")][0] == 1
    assert got[("cancelled", "price_not_suitable")][0] == 1
    assert got[("negotiation", "call_back")][0] == 1
    assert sum(n for n, _ in got.values()) == 5
    # groups in the playbook's order: negotiation before done before cancelled
    assert [r["group"] for r in rows] == sorted(
        (r["group"] for r in rows), key=["new", "negotiation", "picking", "delivery", "done",
                                         "cancelled"].index
    )  # fmt: skip


def test_shop_approval_is_done_over_done_cancelled_and_call_backs_shop_4(shop, now):
    _shop_day(shop, now)
    day = now.date()
    [row] = run(shop.project, report_for(shop.project, "operators"), day, day, "operator").rows
    assert (row["approved"], row["refused"], row["callbacks"]) == (2, 2, 1)
    assert float(row["approval_rate"]) == 0.4


def test_dun_operators_report_has_no_approval_columns_dun_9(dun, now):
    report = report_for(dun.project, "operators")
    names = [c.name for c in report.all_columns(dun.project, "operator")]
    assert "approval_rate" not in names and "calls" in names
    assert report_for(dun.project, "funnel") is not None


# --- the playbooks' own reports: DUN-9, NBO-5, SUB-6 ----------------------------------------
#
# Each through the real services on a small dataset: the API's JSON rows are the domain
# selector's numbers (operator = user id, operator_name = full name), the XLSX carries
# the same values, another project's people get 404, operators 403, a playbook without
# the report 404; the supervisor's screen lists it.

D1, D2 = date(2026, 11, 22), date(2026, 11, 23)  # NOW is 12:00 Moscow time on D2
RANGE = {"from": D1.isoformat(), "to": D2.isoformat()}


@pytest.fixture
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _msk(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK)


def _json(column: dict, value):
    """The selector's value as the API writes it for this column type."""
    if value is None:
        return None
    kind = column["type"]
    if kind == "int":
        return int(value)
    if kind == "decimal":
        return f"{Decimal(value):.2f}"
    if kind == "percent":
        return float(value)
    if kind == "date":
        return value.isoformat()
    return str(value)


def _expected(columns: list[dict], rows: list[dict]) -> list[dict]:
    return [{c["name"]: _json(c, r.get(c["name"])) for c in columns} for r in rows]


def _xlsx_rows(api, path: str, **params) -> tuple[list, list[list]]:
    response = api.client.get(f"/api/v1{path}", {**params, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return header, rows


def _as_json(column: dict, cell):
    """An XLSX cell read back as the API's value of its column."""
    if cell is None:
        return None if column["type"] != "text" else ""
    kind = column["type"]
    if kind == "int":
        assert isinstance(cell, int | float) and cell == int(cell)
        return int(cell)
    if kind == "decimal":
        assert isinstance(cell, int | float)
        return f"{Decimal(str(cell)):.2f}"
    if kind == "percent":
        assert isinstance(cell, int | float)
        return float(cell)
    if kind == "date":
        return (cell.date() if isinstance(cell, datetime) else cell).isoformat()
    return str(cell)


# ids and raw codes: in the API, not in the files, which carry the screen's columns (issue 24)
CODES = {"operator", "group"}


def _assert_xlsx_is_the_json(api, path: str, **params) -> dict:
    body = api.get(path, **params).data
    header, rows = _xlsx_rows(api, path, **params)
    columns = [c for c in body["columns"] if c["name"] not in CODES]
    assert header == [c["label"] for c in columns]
    got = [{c["name"]: _as_json(c, v) for c, v in zip(columns, row, strict=True)} for row in rows]
    want = [{k: ("" if v is None and _type(body, k) == "text" else v) for k, v in r.items()
             if k not in CODES} for r in body["rows"]]  # fmt: skip
    assert got == want
    return body


def _type(body, name):
    return next(c["type"] for c in body["columns"] if c["name"] == name)


# --- DUN-9 ---------------------------------------------------------------------------------


@pytest.fixture
def dun_paid(dun, now):
    """op1 (Анна Смирнова) and op2 (Ольга Петрова) work three orders over two days; A is
    paid on D2 after op1's call, D paid without anyone's work (not after calls).

    D1 15:00 op2 calls A     D2 10:00 op1 calls A    D2 10:05 op1 calls B
    D2 10:30 op2 calls C     D2 11:00 A paid 1000.00 D2 11:30 D paid 500.00
    """
    dun.operator.first_name, dun.operator.last_name = "Анна", "Смирнова"
    dun.operator.save(update_fields=["first_name", "last_name"])
    op2 = UserFactory(username="dun-op2", first_name="Ольга", last_name="Петрова")
    MembershipFactory(user=op2, project=dun.project, role="operator")
    made = _msk(date(2026, 11, 10), 12)
    a, b, c, d = (dun_order(dun, created_at=made) for _ in range(4))
    call(a, op2, _msk(D1, 15), line="magna")
    call(a, dun.operator, _msk(D2, 10))
    call(b, dun.operator, _msk(D2, 10, 5))
    call(c, op2, _msk(D2, 10, 30), line="magna")
    for order, amount, paid_at in ((a, "1000.00", _msk(D2, 11)), (d, "500.00", _msk(D2, 11, 30))):
        payment_report(
            order_id=order.pk,
            amount=Decimal(amount),
            paid_at=paid_at,
            reference=f"REF-{order.pk}",
            actor=dun.supervisor,
            now=now,
        )
    return dun, op2


def test_payments_after_calls_rows_are_the_selectors_with_user_ids_dun_9(dun_paid, api_for):
    dun, op2 = dun_paid
    path = "/projects/dun/reports/payments_after_calls"
    api = api_for(dun.supervisor, lang="en")
    # per operator and day: the selector's rows, operator as the user's id
    ids = {dun.operator.username: dun.operator.pk, op2.username: op2.pk}
    selected = [
        {**r, "operator": ids[r["operator"]]}
        for r in payments_after_calls(dun.project, start=D1, end=D2)
    ]
    body = api.get(path, group_by="operator_day", **RANGE).data
    assert body["rule"] == "DUN-9" and body["group_by"] == "operator_day"
    assert [c["name"] for c in body["columns"]] == [
        "day", "operator", "operator_name", "payments", "amount", "worked_orders", "share",
    ]  # fmt: skip
    # (ordered by the key, the user's id, as every report; the selector's by username)
    assert body["rows"] == sorted(
        _expected(body["columns"], selected), key=lambda r: (r["day"], r["operator"])
    )
    # worked out by hand: D is nobody's payment, A is op1's (the last to work it)
    assert sorted((r["day"], r["operator_name"], r["payments"], r["amount"], r["worked_orders"])
                  for r in body["rows"]) == [
        ("2026-11-22", "Ольга Петрова", 0, "0.00", 1),
        ("2026-11-23", "Анна Смирнова", 1, "1000.00", 2),
        ("2026-11-23", "Ольга Петрова", 0, "0.00", 1),
    ]  # fmt: skip
    # per operator over the range: the selector's totals, the share recomputed
    totals = {
        ids[t["operator"]]: t
        for t in payments_after_calls_totals(payments_after_calls(dun.project, start=D1, end=D2))
    }
    by_operator = api.get(path, **RANGE).data
    assert by_operator["group_by"] == "operator"
    assert {r["operator"]: (r["payments"], r["amount"], r["worked_orders"], r["share"])
            for r in by_operator["rows"]} == {
        pk: (t["payments"], f"{t['amount']:.2f}", t["worked_orders"], float(t["share"]))
        for pk, t in totals.items()
    }  # fmt: skip
    assert {r["operator"]: r["share"] for r in by_operator["rows"]} == {
        dun.operator.pk: 0.5,
        op2.pk: 0.0,
    }


def test_payments_after_calls_xlsx_and_csv_carry_the_same_numbers_dun_9(dun_paid, api_for):
    dun, _ = dun_paid
    api = api_for(dun.supervisor, lang="en")
    path = "/projects/dun/reports/payments_after_calls"
    for group_by in ("operator_day", "operator", "day", "total"):
        body = _assert_xlsx_is_the_json(api, path, group_by=group_by, **RANGE)
        assert body["rows"]
    total = api.get(path, group_by="total", **RANGE).data["rows"]
    assert total == [{"payments": 1, "amount": "1000.00", "worked_orders": 4, "share": 0.25}]
    response = api.client.get(f"/api/v1{path}", {**RANGE, "group_by": "total", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff").splitlines()
    assert lines[1].split(";") == ["1", "1000,00", "4", "0,25"]  # as Russian Excel reads it


def test_payments_after_calls_is_for_dun_supervisors_only_dun_9_x_2(dun_paid, cod, api_for):
    dun, _ = dun_paid
    path = "/projects/dun/reports/payments_after_calls"
    assert api_for(dun.supervisor).get(path, **RANGE).status_code == 200
    assert api_for(dun.operator).get(path, **RANGE).status_code == 403
    # another project's supervisor does not learn that the project exists
    assert api_for(cod.supervisor).get(path, **RANGE).status_code == 404
    # a COD project has no such report
    cod_path = "/projects/cod/reports/payments_after_calls"
    assert api_for(cod.supervisor).get(cod_path, **RANGE).status_code == 404
    # rows per day cannot be split by hour
    response = api_for(dun.supervisor).get(path, group_by="hour", **RANGE)
    assert response.status_code == 422
    assert [(e["rule"], e["field"]) for e in response.data["errors"]] == [("X-11", "group_by")]


def test_the_dun_supervisors_screen_shows_payments_after_calls_dun_9_x_11(dun_paid, client, _today):
    dun, op2 = dun_paid
    client.force_login(dun.supervisor)
    response = client.get("/p/dun/supervisor", {"from": "22.11.2026", "to": "23.11.2026"})
    assert response.status_code == 200
    html = response.content.decode()
    section = html.split('data-report="payments_after_calls"', 1)[1].split("</section>", 1)[0]
    # per operator (the screen's grouping), by full name, with the API's values
    op1_row = section.split(f'data-operator="{dun.operator.username}"', 1)[1].split("</tr>")[0]
    assert "Анна Смирнова" in op1_row
    assert 'data-col="payments" data-value="1"' in op1_row
    assert 'data-col="amount" data-value="1000.00"' in op1_row
    # (the template localizes a float: 0,5 in Russian)
    assert re.search(r'data-col="share" data-value="0[.,]5"', op1_row)
    assert f'data-operator="{op2.username}"' in section
    for fmt in ("xlsx", "csv"):
        assert f"/p/dun/reports/payments_after_calls.{fmt}?from=22.11.2026" in section
    # the screen's own download is the same file as the API's
    download = client.get(
        "/p/dun/reports/payments_after_calls.xlsx",
        {"from": "22.11.2026", "to": "23.11.2026", "group_by": "operator"},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [c.value for c in sheet[2]][1:3] == [1, 1000]
    # the other playbooks' reports are not there
    assert 'data-report="offers"' not in html and 'data-report="registry"' not in html


# --- NBO-5 ---------------------------------------------------------------------------------


@pytest.fixture
def nbo_day(nbo, now):  # noqa: F811 (the fixture imported above)
    """Two first-line operators on D2: op1 voices INBA (yes) and saves one without an
    offer (a lost sale), op2 voices ROAM (no) and INBA (think); a corporate number (ROAM
    excluded) and a second-line interaction count nowhere."""
    op2 = UserFactory(username="telecom-op2", first_name="Пётр", last_name="Второй")
    MembershipFactory(user=op2, project=nbo.project, role="operator")
    moments = iter(range(10, 100, 10))

    def rec(actor, offers, **kw):
        at = now - timedelta(minutes=next(moments))
        record(nbo, now, actor=actor, started_at=at, offers=offers, **kw)

    rec(nbo.operator, [{"offer": "INBA", "response": "yes"}])
    rec(nbo.operator, [], lost_reason="абонент положил трубку")
    rec(op2, [{"offer": "ROAM", "response": "no"}])
    rec(op2, [{"offer": "INBA", "response": "think"}])
    rec(nbo.operator, [], phone=CORPORATE)
    rec(nbo.second_line, [], line="second")
    return nbo, op2


def _key(row):
    return (row["day"], row["operator"], row["campaign"])


def test_offers_rows_are_the_kpi_selectors_nbo_5(nbo_day, api_for):
    telecom, op2 = nbo_day
    path = "/projects/telecom/reports/offers"
    api = api_for(telecom.supervisor, lang="en")
    selected = offers_kpi(telecom.project, start=D1, end=D2)
    body = api.get(path, group_by="operator_day", **RANGE).data
    assert body["rule"] == "NBO-5"
    assert [c["name"] for c in body["columns"]] == [
        "day", "operator", "operator_name", "campaign", "eligible", "voiced", "yes",
        "realized_share", "yes_conversion", "target",
    ]  # fmt: skip
    assert sorted(body["rows"], key=_key) == sorted(_expected(body["columns"], selected), key=_key)
    # by hand: op1 two eligible (one voiced, yes), op2 two eligible, both voiced, no yes
    by_operator = {
        r["operator"]: r
        for r in api.get(path, group_by="operator", **RANGE).data["rows"]
        if r["campaign"] == "INBA"
    }
    one = by_operator[telecom.operator.pk]
    assert one["operator_name"] == (telecom.operator.get_full_name() or telecom.operator.username)
    assert (one["eligible"], one["voiced"], one["yes"], one["realized_share"]) == (2, 1, 1, 0.5)
    total = api.get(path, group_by="total", **RANGE).data["rows"]
    eligible = sum(r["eligible"] for r in selected)
    voiced = sum(r["voiced"] for r in selected)
    assert sum(r["eligible"] for r in total) == eligible == 4
    assert sum(r["voiced"] for r in total) == voiced == 3
    assert {r["target"] for r in total} == {0.85}


def test_offers_xlsx_carries_the_same_numbers_and_only_nbo_supervisors_read_it_nbo_5(
    nbo_day, cod, api_for
):
    telecom, _ = nbo_day
    path = "/projects/telecom/reports/offers"
    api = api_for(telecom.supervisor, lang="en")
    for group_by in ("operator_day", "total"):
        assert _assert_xlsx_is_the_json(api, path, group_by=group_by, **RANGE)["rows"]
    assert api_for(telecom.operator).get(path, **RANGE).status_code == 403
    assert api_for(cod.supervisor).get(path, **RANGE).status_code == 404
    assert api_for(cod.supervisor).get("/projects/cod/reports/offers").status_code == 404


# --- SUB-6 ---------------------------------------------------------------------------------


@pytest.fixture
def sub_contacts(sub, now):  # noqa: F811 (the fixture imported above)
    """IM-1 will think on D1, then buys issues 89 and 90 on D2 (op1); IM-2 asks for a
    refund on D2 (op2, escalated); IM-3 never phones."""
    op2 = UserFactory(username="sub-op2", first_name="Ольга", last_name="Петрова")
    MembershipFactory(user=op2, project=sub.project, role="operator")
    one, two, _three = sub.upsert(
        sub_row("IM-1"),
        sub_row("IM-2", name="Петров Пётр Петрович", phone="+79161230002", email="p@example.com"),
        sub_row("IM-3", name="Сидоров Сидор", phone="+79161230003", email="s@example.com"),
    )

    def contact(actor, phone, at, **facts):
        interaction_record(
            project=sub.project,
            actor=actor,
            phone=phone,
            line="first",
            subject="недоволен ускоренной подпиской",
            comment=f"обращение {at:%d.%m %H:%M}",
            now=at,
            **facts,
        )

    contact(sub.operator, "+79161234567", _msk(D1, 15), subscription=one.subscription.pk,
            outcome="will_think")  # fmt: skip
    contact(sub.operator, "+79161234567", _msk(D2, 10), subscription=one.subscription.pk,
            outcome="bought_some", issues=[89, 90])  # fmt: skip
    contact(op2, "+79161230002", _msk(D2, 11), subscription=two.subscription.pk,
            outcome="refund")  # fmt: skip
    return sub, op2


def test_the_registry_is_one_row_per_subscription_with_outcomes_as_numbers_sub_6(
    sub_contacts, api_for
):
    subs, op2 = sub_contacts
    path = "/projects/sub/reports/registry"
    api = api_for(subs.supervisor, lang="en")
    body = api.get(path, **RANGE).data
    assert (body["rule"], body["group_by"]) == ("SUB-6", "total")
    names = [c["name"] for c in body["columns"]]
    assert names == [
        "number", "customer", "group", "group_name", "first_contact",
        "stayed", "bought_some", "bought_all", "will_think", "refund",
        "issues_bought", "issue_numbers", "refund_escalated", "operator", "operator_name",
        "comment",
    ]  # fmt: skip
    # the selector's rows, field by field
    selected = registry_rows(subs.project, date_from=D1, date_to=D2)
    assert [r["number"] for r in body["rows"]] == [r["subscription"].number for r in selected]
    for got, row in zip(body["rows"], selected, strict=True):
        assert {k: got[k] for k in row["outcomes"]} == row["outcomes"]
        assert got["issues_bought"] == len(row["issues"])
        assert got["refund_escalated"] == row["refund_escalated"]
        assert got["operator"] == row["operator"].pk
        assert got["comment"] == row["comment"]
        assert got["first_contact"] == row["first_contact_at"].astimezone(MSK).date().isoformat()
    # worked out by hand: 1 = yes
    one, two = body["rows"]
    assert (one["number"], one["will_think"], one["bought_some"], one["stayed"]) == (
        "IM-1", 1, 1, 0,
    )  # fmt: skip
    assert (one["issues_bought"], one["issue_numbers"], one["refund_escalated"]) == (2, "89, 90", 0)
    assert (one["first_contact"], one["operator"], one["group"]) == (
        "2026-11-22", subs.operator.pk, "green",
    )  # fmt: skip
    assert one["customer"] == "Иванов Иван Иванович" and one["comment"] == "обращение 23.11 10:00"
    assert (two["number"], two["refund"], two["refund_escalated"], two["issues_bought"]) == (
        "IM-2", 1, 1, 0,
    )  # fmt: skip
    assert (two["operator"], two["operator_name"]) == (op2.pk, "Ольга Петрова")
    # D1 only: IM-1's first contact, nothing bought yet
    [only] = api.get(path, **{"from": "2026-11-22", "to": "2026-11-22"}).data["rows"]
    assert (only["number"], only["will_think"], only["bought_some"]) == ("IM-1", 1, 0)


def test_the_registry_xlsx_carries_the_same_numbers_and_sub_supervisors_only_sub_6(
    sub_contacts, cod, api_for
):
    subs, _ = sub_contacts
    path = "/projects/sub/reports/registry"
    api = api_for(subs.supervisor, lang="en")
    body = _assert_xlsx_is_the_json(api, path, **RANGE)
    assert len(body["rows"]) == 2
    # a registry is not per operator or day
    response = api.get(path, group_by="operator", **RANGE)
    assert response.status_code == 422
    assert [(e["rule"], e["field"]) for e in response.data["errors"]] == [("X-11", "group_by")]
    assert api_for(subs.operator).get(path, **RANGE).status_code == 403
    assert api_for(cod.supervisor).get(path, **RANGE).status_code == 404
    assert api_for(cod.supervisor).get("/projects/cod/reports/registry").status_code == 404


def test_nbo_and_sub_screens_show_their_reports_nbo_5_sub_6(nbo_day, sub_contacts, client, _today):
    telecom, _ = nbo_day
    subs, op2 = sub_contacts
    for world, name in ((telecom, "offers"), (subs, "registry")):
        client.force_login(world.supervisor)
        response = client.get(
            f"/p/{world.project.slug}/supervisor", {"from": "22.11.2026", "to": "23.11.2026"}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert f'data-report="{name}"' in html
        assert f"/p/{world.project.slug}/reports/{name}.xlsx?from=22.11.2026" in html
        assert 'data-report="payments_after_calls"' not in html
    section = html.split('data-report="registry"', 1)[1].split("</section>", 1)[0]
    assert 'data-col="refund_escalated" data-value="1"' in section
    assert f'data-operator="{op2.username}"' in section
