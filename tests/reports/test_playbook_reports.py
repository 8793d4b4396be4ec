"""X-11 per playbook: SHOP's results are done or cancelled by reason (SHOP-4/5, the reason
being the cancellation status itself), its approval rate is done over done, cancelled and
call-backs; DUN has no approval rate (operators cannot mark an order paid)."""

from __future__ import annotations

from datetime import timedelta

from dozvon.calls.services import call_attempt_record
from dozvon.orders.services import order_apply_outcome
from dozvon.reports.registry import report_for, run


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
