"""The report registry (X-11): a report another module computes per day and operator
(DUN-9 payments after calls, NBO-5 offers) is one `register_from_rows` call away from the
API, the screen's downloads and the files, summed to any grouping; a per-subscription
registry (SUB-6) registers with `register`. Stand-in sources here: the real ones belong
to their modules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy as _

from dozvon.reports import registry
from dozvon.reports.registry import (
    DECIMAL,
    INT,
    PERCENT,
    TEXT,
    TOTAL,
    Column,
    Report,
    register,
    register_from_rows,
)


@pytest.fixture
def kpi_reports():
    calls = []

    def payments(project, *, start, end):
        calls.append((project.slug, start, end))
        return [
            {"day": date(2026, 11, 22), "operator": 7, "operator_name": "Анна Смирнова",
             "payments": 1, "amount": Decimal("990.00"), "worked_orders": 4,
             "share": Decimal("0.25")},
            {"day": date(2026, 11, 23), "operator": 7, "operator_name": "Анна Смирнова",
             "payments": 2, "amount": Decimal("10.50"), "worked_orders": 2,
             "share": Decimal("1")},
        ]  # fmt: skip

    before = dict(registry.REPORTS)
    register_from_rows(
        name="payments_after_calls",
        title=_("Payments after calls"),
        rule="DUN-9",
        source=payments,
        playbooks=("dun",),
        columns=[
            Column("payments", _("Payments"), INT),
            Column("amount", _("Amount"), DECIMAL),
            Column("worked_orders", _("Orders worked"), INT),
            Column("share", _("Paid of worked"), PERCENT),
        ],
        sums=("payments", "amount", "worked_orders"),
        ratios={"share": ("payments", "worked_orders")},
    )
    register(
        Report(
            name="registry",
            title=_("Registry"),
            rule="SUB-6",
            compute=lambda project, start, end, group_by: [{"number": "S-1", "stayed": 1}],
            columns=[Column("number", _("Subscription"), TEXT), Column("stayed", _("Stayed"), INT)],
            group_bys=(TOTAL,),
            default_group_by=TOTAL,
            playbooks=("dun",),
        )
    )
    yield calls
    registry.REPORTS.clear()
    registry.REPORTS.update(before)


def test_a_registered_kpi_is_served_summed_to_the_grouping_dun_9(dun, api_for, kpi_reports):
    api = api_for(dun.supervisor, lang="en")
    body = api.get(
        "/projects/dun/reports/payments_after_calls", **{"from": "2026-11-22", "to": "2026-11-23"}
    ).data
    assert body["group_by"] == "operator" and body["rule"] == "DUN-9"
    assert [c["name"] for c in body["columns"]] == [
        "operator", "operator_name", "payments", "amount", "worked_orders", "share",
    ]  # fmt: skip
    assert body["rows"] == [
        {"operator": 7, "operator_name": "Анна Смирнова", "payments": 3, "amount": "1000.50",
         "worked_orders": 6, "share": 0.5},
    ]  # fmt: skip
    assert kpi_reports == [("dun", date(2026, 11, 22), date(2026, 11, 23))]
    by_day = api.get(
        "/projects/dun/reports/payments_after_calls",
        **{"from": "2026-11-22", "to": "2026-11-23", "group_by": "day"},
    ).data
    assert [(r["day"], r["share"]) for r in by_day["rows"]] == [
        ("2026-11-22", 0.25),
        ("2026-11-23", 1.0),
    ]
    # rows per day cannot be split by hour
    hourly = api.get("/projects/dun/reports/payments_after_calls", group_by="hour")
    assert hourly.status_code == 422


def test_a_registry_report_and_kpis_exist_only_where_the_playbook_has_them_sub_6(
    cod, dun, api_for, kpi_reports
):
    assert api_for(dun.supervisor).get("/projects/dun/reports/registry").data["rows"] == [
        {"number": "S-1", "stayed": 1}
    ]
    for name in ("registry", "payments_after_calls"):
        assert api_for(cod.supervisor).get(f"/projects/cod/reports/{name}").status_code == 404


def test_unknown_column_types_and_groupings_are_refused_at_registration_x_11():
    with pytest.raises(ValueError):
        Column("x", "x", "money")
    with pytest.raises(ValueError):
        register(
            Report(name="x", title="x", rule="X-11", compute=lambda *a: [], columns=(),
                   group_bys=("week",))
        )  # fmt: skip
