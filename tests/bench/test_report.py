"""The bench's verdicts and profile summaries (issue 18): pure helpers, no database."""

from __future__ import annotations

import pytest

from bench import report
from bench.profiling import JSON_KIND, OTHER_KIND, costs, kind_of

pytestmark = pytest.mark.nodb
STDLIB = ("/usr/lib/python3.11",)


def _results(**values) -> dict:
    out: dict = {}
    for dotted, value in values.items():
        section, key = dotted.split("__", 1)
        out.setdefault(section, {})[key] = value
    return out


def test_ratio_is_none_without_both_numbers():
    assert report.ratio(30.0, 120.0) == 0.25
    assert report.ratio(None, 120.0) is None
    assert report.ratio(30.0, 0) is None
    assert report.ratio(30.0, None) is None


@pytest.mark.parametrize(
    ("value", "comparison", "target", "expected"),
    [
        (0.35, ">=", 0.35, True),
        (0.34, ">=", 0.35, False),
        (1.5, "<=", 1.5, True),
        (1.51, "<=", 1.5, False),
        (None, ">=", 0.3, None),
        (True, ">=", 0.3, None),
    ],
)
def test_met_compares_a_value_with_its_target(value, comparison, target, expected):
    assert report.met(value, comparison, target) is expected


def test_every_issue_18_target_is_written_with_value_target_comparison_and_verdict():
    results = _results(
        http__take_vs_floor=0.4,
        http__intake_vs_floor=0.2,
        intake__batch_vs_raw=0.5,
        take_next__ratio_32=0.61,
        take_next__p99_vs_baseline_32=1.2,
        counts__http_vs_floor=0.7,
    )
    targets = report.verdicts(results)
    assert set(targets) == {
        "http.take_vs_floor",
        "http.intake_vs_floor",
        "intake.batch_vs_raw",
        "take_next.ratio_32",
        "take_next.p99_vs_baseline_32",
        "counts.http_vs_floor",
    }
    assert targets["http.take_vs_floor"] == {
        "value": 0.4,
        "target": 0.35,
        "comparison": ">=",
        "met": True,
    }
    assert targets["http.intake_vs_floor"]["met"] is False
    assert targets["take_next.p99_vs_baseline_32"]["met"] is True
    verdict = report.overall(targets)
    assert verdict == {
        "met": 5,
        "of": 6,
        "required": 5,
        "passed": True,
        "not_measured": [],
    }


def test_a_missing_measurement_is_not_met_and_named():
    targets = report.verdicts(_results(http__take_vs_floor=0.5))
    assert targets["counts.http_vs_floor"]["met"] is None
    verdict = report.overall(targets)
    assert verdict["met"] == 1 and verdict["passed"] is False
    assert "counts.http_vs_floor" in verdict["not_measured"]


def test_statements_per_request_come_from_the_anatomy():
    anatomy = {
        "intake": {"sql_statements": 14.0},
        "take_next": {"sql_statements": 5.0},
        "batch_intake": {"sql_statements": 1210.0, "sql_per_order": 12.1},
    }
    got = report.statements(anatomy)
    assert got["intake"] == 14.0 and got["take_next"] == 5.0
    assert got["card"] is None
    assert got["batch_intake_per_order"] == 12.1


def _frame(func: str, path: str) -> str:
    return f"{func}\x00{path}\x001"


SITE = "/v/lib/python3.11/site-packages"
VIEW = _frame("get_order", "/w/dozvon/api/orders.py")
HANDLER = _frame("get_response", f"{SITE}/django/core/handlers/base.py")


def test_a_sample_is_judged_by_its_innermost_non_stdlib_frame():
    wait = [HANDLER, VIEW, _frame("execute", f"{SITE}/psycopg/cursor.py"), _frame("wait", "")]
    assert kind_of(wait, STDLIB).startswith("SQL round trips")
    compile_ = [HANDLER, VIEW, _frame("as_sql", f"{SITE}/django/db/models/sql/compiler.py")]
    assert kind_of(compile_, STDLIB).startswith("ORM: building")
    regex = [HANDLER, VIEW, _frame("sub", "/usr/lib/python3.11/re/__init__.py")]
    assert kind_of(regex, STDLIB) == "dozvon's own code"
    dumps = [HANDLER, VIEW, _frame("encode", "/usr/lib/python3.11/json/encoder.py")]
    assert kind_of(dumps, STDLIB) == JSON_KIND
    assert kind_of([_frame("x", f"{SITE}/whatever/mod.py")], STDLIB) == OTHER_KIND


def test_costs_share_time_by_kind_and_by_dozvon_function():
    service = _frame("order_get", "/w/dozvon/orders/selectors.py")
    sql = [HANDLER, VIEW, service, _frame("execute", f"{SITE}/psycopg/cursor.py")]
    own = [HANDLER, VIEW]
    got = costs([(sql, 0.003), (own, 0.001)], requests=2, stdlib=STDLIB)
    assert got["ms_per_request"] == 2.0
    assert got["by_kind"][0]["what"].startswith("SQL round trips")
    assert got["by_kind"][0]["share"] == 0.75
    # the view holds all of the time (a root): left out; the selector under it is not
    assert [r["what"].rsplit("/", 1)[-1] for r in got["dozvon_inclusive"]] == [
        "selectors.py:order_get"
    ]
    assert got["dozvon_inclusive"][0]["share"] == 0.75
    assert got["self_time"][0]["ms_per_request"] == 1.5
