"""The DUN worklist bench's pure helpers (issue 14): the mix, the plan checks, the names of
the captured statements. No database: the bench itself runs outside the tests."""

from __future__ import annotations

from bench import dun

COUNT_SEQ = """Finalize Aggregate  (cost=5250.22..5250.23 rows=1 width=8)
  ->  Parallel Seq Scan on orders_order  (cost=0.00..4225.33 rows=9868 width=0)
        Filter: ((project_id = 2) AND ((bucket)::text = 'worklist'::text))"""
PAGE_INDEX = """Limit  (cost=0.42..11.25 rows=20 width=16)
  ->  Index Scan using order_newest on orders_order  (cost=0.42..12822.10 rows=23683 width=16)
        Index Cond: (project_id = 2)
  ->  Seq Scan on accounts_user  (cost=0.00..1.01 rows=1 width=8)"""


def test_mix_covers_every_order_once_DUN_3():
    bounds = dun.cutoffs()
    assert [code for code, _ in bounds] == ["pending", "postponed", "paid", "cancelled"]
    assert [upper for _, upper in bounds] == [0.6, 0.7, 0.9, 1.0]


def test_a_sequential_scan_of_orders_is_not_index_backed():
    assert not dun.index_backed(COUNT_SEQ)
    assert dun.seq_scans(COUNT_SEQ) == ["orders_order"]


def test_a_small_table_read_sequentially_keeps_the_orders_index_backed():
    assert dun.index_backed(PAGE_INDEX)
    assert dun.seq_scans(PAGE_INDEX) == ["accounts_user"]


def test_captured_statements_are_named_by_what_they_read():
    assert dun.role_of('SELECT COUNT(*) AS "__count" FROM "orders_order" WHERE x') == "count"
    assert (
        dun.role_of('SELECT "orders_order"."id" AS "id" FROM "orders_order" ORDER BY 1')
        == "page_ids"
    )
    assert (
        dun.role_of(
            'SELECT "automation_triggerrun"."order_id", "automation_triggerrun"."at" '
            'FROM "automation_triggerrun" WHERE x'
        )
        == "entered"
    )
    assert (
        dun.role_of(
            'SELECT "orders_orderitem"."order_id", SUM(q) AS "n" FROM "orders_orderitem" GROUP BY 1'
        )
        == "units"
    )
    assert dun.role_of('SELECT "orders_order"."id", "orders_order"."project_id" FROM x') == (
        "page_rows"
    )


def test_generator_sql_is_fully_formatted_with_one_branch_per_category():
    sql = dun._gen_sql()
    assert "{" not in sql and "}" not in sql
    for code, _ in dun.cutoffs()[:-1]:
        assert f"THEN '{code}'" in sql
    assert "ELSE 'cancelled'" in sql
    assert dun.slug_of(100_000) == "bench-dun-100000"
