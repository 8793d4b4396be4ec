"""DUN-9's paid share is capped at 100 % in every grouping of the X-11 report, as the
per-day rows and the selector's own totals are: a day's payments may follow earlier
days' work, and summed up a total row once showed 150 %."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dozvon.dunning import reports as dun_reports
from dozvon.payments.rules import paid_share
from dozvon.payments.selectors import payments_after_calls_totals
from dozvon.reports.registry import report_for
from dozvon.reports.rules import DAY, OPERATOR, TOTAL

D1, D2 = date(2026, 11, 22), date(2026, 11, 23)


def test_the_payments_after_calls_total_never_shows_over_100_percent_dun_9(dun, monkeypatch):
    op = dun.operator
    rows = [  # as `payments_after_calls` gives them: 3 payments after 1 order worked on D1
        {"day": D1, "operator": op.username, "operator_name": "Анна", "payments": 3,
         "amount": Decimal("900.00"), "worked_orders": 1, "share": paid_share(3, 1)},
        {"day": D2, "operator": op.username, "operator_name": "Анна", "payments": 0,
         "amount": Decimal("0.00"), "worked_orders": 1, "share": paid_share(0, 1)},
    ]  # fmt: skip
    monkeypatch.setattr(dun_reports, "payments_after_calls", lambda project, **kw: rows)
    report = report_for(dun.project, "payments_after_calls")
    (total,) = report.rows(dun.project, D1, D2, TOTAL)
    assert (total["payments"], total["worked_orders"]) == (3, 2)
    assert total["share"] == Decimal("1.0000")  # not 1.5
    (by_operator,) = report.rows(dun.project, D1, D2, OPERATOR)
    (selector_total,) = payments_after_calls_totals(rows)
    assert by_operator["operator"] == op.pk
    assert by_operator["share"] == selector_total["share"] == Decimal("1.0000")
    assert [r["share"] for r in report.rows(dun.project, D1, D2, DAY)] == [r["share"] for r in rows]
