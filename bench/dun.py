"""The DUN worklist at scale (issue 14): a `bench-dun-<N>` project on the `dun` playbook
with N orders, and the worklist's two hot reads timed and EXPLAINed.

Data: the project and its products go through the ORM; customers, phones, orders, items
and the `enter_worklist` trigger runs are written by `INSERT … SELECT` over
`generate_series` on the server (no Python row loop), with the indexes the migrations
define left in place, then `VACUUM ANALYZE`. The mix (shares of N): 60 % pending in the
worklist, due from 6 weeks ago to 2 weeks ahead; 10 % postponed in the worklist, due at
9:00 from 3 days ago to 14 days ahead; 20 % paid and 10 % cancelled, out of every bucket;
orders created over 8 weeks (worklist orders at least 7 days ago, DUN-1), each with one
`enter_worklist` run 7 days after creation when that day has come. A row in
`bench_dataset` (datagen's marker) lets later runs on the same Moscow day reuse it.

Reads: `worklist_count_today` (the count to process today, DUN-3) and `worklist_page`
with the preset filter, 20 a page, pages 1 and 50, called back to back; every statement
they send is captured and explained (bench/explain.py) into
bench/results/explain/dun_worklist_*.txt, and each plan is checked for a sequential scan
of `orders_order`.

    BENCH_ORDERS=100000 .venv/bin/python -m bench.dun   # this phase alone
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench import db
from bench.config import RESULTS_DIR, Config

GEN_VERSION = 1
TZ = "Europe/Moscow"
PRODUCTS = 20
CALLS = 50  # timed calls per read (after 3 untimed)
# (category, share of N, status, status group, bucket)
MIX = (
    ("pending", 0.60, "pending", "unpaid", "worklist"),
    ("postponed", 0.10, "postponed", "unpaid", "worklist"),
    ("paid", 0.20, "paid", "paid", ""),
    ("cancelled", 0.10, "cancelled", "cancelled", ""),
)
POSTPONE_REASONS = ("promised_date", "will_think", "already_paid", "promised", "other")
CANCEL_REASONS = ("refused", "exhausted", "wrong_number", "duplicate", "other")
SURNAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Орлов")
FIRST_NAMES = ("Анна", "Мария", "Елена", "Ольга", "Сергей", "Андрей", "Илья", "Дмитрий")
TABLES = (
    "customers_customer",
    "customers_customerphone",
    "orders_order",
    "orders_orderitem",
    "automation_triggerrun",
)
SEQ_ORDERS = "Seq Scan on orders_order"

Log = Callable[[str], None]


def slug_of(orders: int) -> str:
    return f"bench-dun-{orders}"


def cutoffs(mix=MIX) -> list[tuple[str, float]]:
    """Each category with the upper bound of its share on [0, 1) (the last one is 1)."""
    out, acc = [], 0.0
    for code, share, *_ in mix:
        acc += share
        out.append((code, round(acc, 6)))
    out[-1] = (out[-1][0], 1.0)
    return out


def seq_scans(plan: str) -> list[str]:
    """The tables a plan reads sequentially."""
    return sorted(set(re.findall(r"Seq Scan on (\w+)", plan)))


def index_backed(plan: str) -> bool:
    """No sequential scan of the orders table (every orders access goes through an index)."""
    return SEQ_ORDERS not in plan


def role_of(sql: str) -> str:
    """What a captured worklist statement does, for its file name."""
    head = " ".join(sql.split())[:200]
    if head.upper().startswith("SELECT COUNT("):
        return "count"
    if head.startswith('SELECT "orders_order"."id" AS "id" FROM'):
        return "page_ids"
    if 'FROM "automation_triggerrun"' in head:
        return "entered"
    if 'FROM "orders_orderitem"' in head:
        return "units"
    return "page_rows"


def _sql_list(values) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


# --- data ---------------------------------------------------------------------------------


def _zero_columns(conn, table: str, columns: list[str]) -> list[tuple[str, str]]:
    """NOT NULL columns without a default that the generator does not name (a field added
    by a later migration): (column, a zero of its type), so the load keeps working."""
    zeros = {
        "numeric": "0",
        "integer": "0",
        "bigint": "0",
        "smallint": "0",
        "boolean": "false",
        "jsonb": "'{}'::jsonb",
        "character varying": "''",
        "text": "''",
    }
    rows = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL "
        "AND is_identity = 'NO'",
        (table,),
    ).fetchall()
    out = []
    for name, kind in rows:
        if name in columns:
            continue
        if kind not in zeros:
            raise RuntimeError(f"{table}.{name} ({kind}) is required and unknown to bench/dun.py")
        out.append((name, zeros[kind]))
    return out


def _insert(conn, table: str, spec: list[tuple[str, str]], source: str) -> int:
    """INSERT INTO table (columns) SELECT expressions FROM source; rows written."""
    names = [c for c, _ in spec]
    spec = spec + _zero_columns(conn, table, names)
    cols = ", ".join(c for c, _ in spec)
    exprs = ", ".join(e for _, e in spec)
    return conn.execute(f"INSERT INTO {table} ({cols}) SELECT {exprs} FROM {source}").rowcount


GEN_SQL = """
CREATE TEMP TABLE dun_gen ON COMMIT DROP AS
WITH r AS (
    SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4
    FROM generate_series(1, %(n)s) g
), c AS (
    SELECT *, CASE {cases} END AS cat FROM r
), t AS (
    SELECT *,
        CASE WHEN cat IN ('pending', 'postponed')
             THEN %(now)s::timestamptz - interval '7 days' - r2 * interval '49 days'
             ELSE %(now)s::timestamptz - r2 * interval '56 days' END AS created
    FROM c
)
SELECT g, cat, r3, r4, created,
    %(obase)s::bigint + g AS oid,
    %(cbase)s::bigint + g AS cid,
    CASE WHEN created + interval '7 days' <= %(now)s::timestamptz
         THEN created + interval '7 days' + r4 * interval '2 hours' END AS entered,
    CASE cat
        WHEN 'pending' THEN %(now)s::timestamptz - interval '42 days' + r3 * interval '56 days'
        WHEN 'postponed' THEN (date_trunc('day', %(now)s::timestamptz AT TIME ZONE %(tz)s)
                 + (-3 + floor(r3 * 18)) * interval '1 day' + interval '9 hours')
                 AT TIME ZONE %(tz)s
    END AS due,
    CASE cat WHEN 'pending' THEN 'pending' WHEN 'postponed' THEN 'postponed'
             WHEN 'paid' THEN 'paid' ELSE 'cancelled' END AS status,
    CASE cat WHEN 'paid' THEN 'paid' WHEN 'cancelled' THEN 'cancelled'
             ELSE 'unpaid' END AS status_group,
    CASE WHEN cat IN ('pending', 'postponed') THEN 'worklist' ELSE '' END AS bucket,
    CASE cat
        WHEN 'postponed' THEN ({postpone})[1 + floor(r4 * {n_postpone})::int]
        WHEN 'cancelled' THEN ({cancel})[1 + floor(r4 * {n_cancel})::int]
        ELSE '' END AS problem,
    CASE cat WHEN 'paid' THEN floor(r4 * 3)::int WHEN 'cancelled' THEN 2 + floor(r4 * 5)::int
             ELSE floor(r4 * 6)::int END AS calls,
    CASE WHEN cat IN ('pending', 'postponed') OR r4 < 0.85 THEN 'bank_transfer'
         ELSE 'card' END AS payment_method,
    1 + (g %% 3 = 0)::int AS quantity,
    1 + g %% {products} AS product_no,
    ({surnames})[1 + g %% {n_surnames}] AS surname,
    ({firsts})[1 + (g / {n_surnames}) %% {n_firsts}] AS first_name
FROM t
"""


def _gen_sql() -> str:
    cases = []
    for code, upper in cutoffs()[:-1]:
        cases.append(f"WHEN r1 < {upper} THEN '{code}'")
    cases.append(f"ELSE '{cutoffs()[-1][0]}'")
    return GEN_SQL.format(
        cases=" ".join(cases),
        postpone=_sql_list(POSTPONE_REASONS),
        n_postpone=len(POSTPONE_REASONS),
        cancel=_sql_list(CANCEL_REASONS),
        n_cancel=len(CANCEL_REASONS),
        products=PRODUCTS,
        surnames=_sql_list(SURNAMES),
        n_surnames=len(SURNAMES),
        firsts=_sql_list(FIRST_NAMES),
        n_firsts=len(FIRST_NAMES),
    )


def _drop_project(conn, project_id: int) -> None:
    """An earlier day's DUN project, child tables first (Django cascades in Python)."""
    p = (project_id,)
    conn.execute("DELETE FROM automation_triggerrun WHERE project_id = %s", p)
    conn.execute(
        "DELETE FROM orders_orderitem i USING orders_order o "
        "WHERE o.id = i.order_id AND o.project_id = %s",
        p,
    )
    for table in ("queues_tabtally", "orders_order", "customers_customerphone"):
        conn.execute(f"DELETE FROM {table} WHERE project_id = %s", p)
    conn.execute("DELETE FROM customers_customer WHERE project_id = %s", p)
    conn.execute("DELETE FROM catalog_product WHERE project_id = %s", p)
    conn.execute("DELETE FROM projects_membership WHERE project_id = %s", p)
    conn.execute("DELETE FROM projects_project WHERE id = %s", p)


def _state(cfg: Config, slug: str, now: datetime) -> tuple[bool, int | None]:
    from bench.datagen import MARKER_DDL, moscow_day

    with db.connect(cfg) as conn:
        conn.execute(MARKER_DDL)
        marker = conn.execute(
            "SELECT orders, version, moscow_day, info FROM bench_dataset WHERE slug = %s", (slug,)
        ).fetchone()
        live = conn.execute("SELECT id FROM projects_project WHERE slug = %s", (slug,)).fetchone()
    live_id = live[0] if live else None
    ok = (
        not cfg.regenerate
        and marker is not None
        and live_id is not None
        and marker[0] == cfg.orders
        and marker[1] == GEN_VERSION
        and marker[2].isoformat() == moscow_day(now)
        and marker[3].get("project_id") == live_id
    )
    return ok, live_id


def ensure_dun(cfg: Config, log: Log) -> dict[str, Any]:
    """The `bench-dun-<N>` project, generated once per Moscow day."""
    from bench.datagen import moscow_day

    now = datetime.now(UTC)
    slug = slug_of(cfg.orders)
    ok, live_id = _state(cfg, slug, now)
    if ok:
        log(f"  reusing {slug} (generated today)")
        return {"reused": True, "slug": slug, "project_id": live_id}
    started = time.perf_counter()
    with db.connect(cfg, autocommit=False) as conn:
        if live_id is not None:
            _drop_project(conn, live_id)
        conn.execute("DELETE FROM bench_dataset WHERE slug = %s", (slug,))
        conn.commit()
    project_id, products = _reference_rows(slug, now)
    log(f"  generating {cfg.orders:,} orders in {slug} …")
    rows = _bulk_rows(cfg, project_id, products, now)
    insert_s = time.perf_counter() - started
    t = time.perf_counter()
    from dozvon.queues.tally import COMPACT, REBUILD

    with db.connect(cfg) as conn:  # inserted as `replica`: the tally trigger did not fire
        conn.execute(REBUILD)
        conn.execute(COMPACT, {"now": datetime.now(UTC)})
    db.vacuum(cfg, *TABLES, "queues_tabtally", analyze=True)
    vacuum_s = time.perf_counter() - t
    total_s = time.perf_counter() - started
    buckets = rows.pop("mix")
    with db.connect(cfg) as conn:
        from psycopg.types.json import Jsonb

        conn.execute(
            "INSERT INTO bench_dataset VALUES (%s, %s, %s, %s, %s, %s)",
            (
                slug,
                cfg.orders,
                GEN_VERSION,
                moscow_day(now),
                datetime.now(UTC),
                Jsonb({"project_id": project_id, "mix": buckets, "seconds": round(total_s, 1)}),
            ),
        )
    return {
        "reused": False,
        "slug": slug,
        "project_id": project_id,
        "rows": rows,
        "mix": buckets,
        "seconds": round(total_s, 1),
        "insert_seconds": round(insert_s, 1),
        "tally_vacuum_analyze_seconds": round(vacuum_s, 1),
    }


def _reference_rows(slug: str, now: datetime) -> tuple[int, list[tuple[int, str, str, str]]]:
    from decimal import Decimal

    from dozvon.catalog.models import Product
    from dozvon.playbooks.models import Playbook
    from dozvon.projects.models import Project

    project = Project.objects.create(
        slug=slug,
        name=f"Bench DUN {slug.rsplit('-', 1)[1]} orders",
        playbook=Playbook.objects.get(code="dun"),
        time_zone=TZ,
    )
    products = Product.objects.bulk_create(
        Product(
            project=project,
            sku=f"RX-{j:03d}",
            name=f"Препарат №{j + 1}",
            price=Decimal(350 + 45 * ((j * 37) % 41)),
            max_discount_percent=Decimal(0),
        )
        for j in range(PRODUCTS)
    )
    return project.pk, [(p.pk, p.sku, p.name, f"{p.price:.2f}") for p in products]


def _bulk_rows(cfg: Config, project_id: int, products: list, now: datetime) -> dict[str, Any]:
    p = str(int(project_id))
    rows: dict[str, Any] = {}
    with db.connect(cfg, autocommit=False) as conn:
        conn.execute("SET session_replication_role = replica")  # FK triggers: keys are ours
        conn.execute("SELECT setseed(0.14)")
        cbase = conn.execute("SELECT coalesce(max(id), 0) FROM customers_customer").fetchone()[0]
        obase = conn.execute("SELECT coalesce(max(id), 0) FROM orders_order").fetchone()[0]
        conn.execute(
            _gen_sql(), {"n": cfg.orders, "now": now, "tz": TZ, "obase": obase, "cbase": cbase}
        )
        conn.execute(
            "CREATE TEMP TABLE dun_products (no int, id bigint, sku text, name text, "
            "price numeric) ON COMMIT DROP"
        )
        with conn.cursor().copy("COPY dun_products FROM STDIN") as copy:
            for no, (pid, sku, name, price) in enumerate(products, start=1):
                copy.write_row((no, pid, sku, name, price))
        phone_base = 70_000_000 + (project_id % 20) * 1_000_000
        phone = f"'+79' || lpad(({phone_base} + g)::text, 9, '0')"
        name = "surname || ' ' || first_name"
        rows["customers_customer"] = _insert(
            conn,
            "customers_customer",
            [
                ("id", "cid"),
                ("project_id", p),
                ("type", "'private'"),
                ("vip", "false"),
                ("surname", "surname"),
                ("first_name", "first_name"),
                ("patronymic", "''"),
                ("gender", "''"),
                ("email", "'dun' || g || '@example.com'"),
                ("phone", phone),
                ("phone_valid", "true"),
                ("payer_address", "'{}'::jsonb"),
                ("recipient_address", "'{}'::jsonb"),
                ("operator_comment", "''"),
                ("customer_comment", "''"),
                ("created_at", "created"),
            ],
            "dun_gen",
        )
        rows["customers_customerphone"] = _insert(
            conn,
            "customers_customerphone",
            [("project_id", p), ("customer_id", "cid"), ("phone", phone), ("is_main", "true")],
            "dun_gen",
        )
        total = "(price * quantity)"
        rows["orders_order"] = _insert(
            conn,
            "orders_order",
            [
                ("id", "oid"),
                ("project_id", p),
                ("external_id", "'dun-' || g"),
                ("customer_id", "cid"),
                ("customer_name", name),
                ("phone", phone),
                ("name_key", f"lower(replace({name}, 'ё', 'е'))"),
                ("status", "status"),
                ("status_group", "status_group"),
                ("problem", "problem"),
                ("bucket", "bucket"),
                ("due_at", "due"),
                ("callback_at", "CASE WHEN cat = 'postponed' THEN due END"),
                ("responsible_id", "NULL"),
                ("claimed_by_id", "NULL"),
                ("claimed_at", "NULL"),
                ("main_product_id", "dun_products.id"),
                ("failed_calls", "calls / 2"),
                ("calls_total", "calls"),
                (
                    "last_call_at",
                    f"CASE WHEN calls > 0 THEN least({_lit(now)}, coalesce(entered, created) "
                    "+ interval '1 day') END",
                ),
                ("last_outcome_at", "NULL"),
                ("last_comment", "''"),
                ("currency", "'RUB'"),
                ("goods_total", total),
                ("delivery_cost", "0"),
                ("total", total),
                ("payment_method", "payment_method"),
                ("paid_amount", f"CASE WHEN cat = 'paid' THEN {total} ELSE 0 END"),
                ("payment_status", "CASE WHEN cat = 'paid' THEN 'paid' ELSE '' END"),
                ("delivery_method", "''"),
                ("delivery_address", "'{}'::jsonb"),
                ("delivery_window_approved", "false"),
                ("delivery_note", "''"),
                ("delivery_flag", "false"),
                ("extra", "'{}'::jsonb"),
                ("created_at", "created"),
                ("updated_at", "greatest(created, coalesce(entered, created))"),
                ("version", "1 + calls"),
            ],
            "dun_gen JOIN dun_products ON dun_products.no = dun_gen.product_no",
        )
        rows["orders_orderitem"] = _insert(
            conn,
            "orders_orderitem",
            [
                ("order_id", "oid"),
                ("product_id", "dun_products.id"),
                ("sku", "dun_products.sku"),
                ("name", "dun_products.name"),
                ("quantity", "quantity"),
                ("unit_price", "price"),
                ("discount_percent", "0"),
                ("line_total", total),
                ("is_main", "true"),
                ("added_at", "created"),
            ],
            "dun_gen JOIN dun_products ON dun_products.no = dun_gen.product_no",
        )
        rows["automation_triggerrun"] = _insert(
            conn,
            "automation_triggerrun",
            [
                ("project_id", p),
                ("order_id", "oid"),
                ("trigger", "'enter_worklist'"),
                ("key", "'once'"),
                ("rule", "'DUN-1'"),
                ("at", "entered"),
            ],
            "dun_gen WHERE entered IS NOT NULL",
        )
        rows["mix"] = dict(
            conn.execute("SELECT cat, count(*) FROM dun_gen GROUP BY cat ORDER BY cat").fetchall()
        )
        for table in TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        conn.commit()
    return rows


def _lit(ts: datetime) -> str:
    return f"'{ts.isoformat()}'::timestamptz"


# --- reads --------------------------------------------------------------------------------


def measure(cfg: Config, slug: str, log: Log, calls: int = CALLS) -> dict[str, Any]:
    from bench.explain import EXPLAIN_DIR, _capture, explain
    from bench.load import summary
    from bench.reads import _loop
    from dozvon.core import clock
    from dozvon.dunning.selectors import WorklistFilter, worklist_count_today, worklist_page
    from dozvon.projects.models import Project

    project = Project.objects.select_related("playbook").get(slug=slug)
    preset = WorklistFilter()
    reads = {
        "count_today": lambda: worklist_count_today(project, now=clock.now()),
        "page_1": lambda: worklist_page(project, preset, 1, 20, clock.now()),
        "page_50": lambda: worklist_page(project, preset, 50, 20, clock.now()),
    }
    out: dict[str, Any] = {"slug": slug, "filter": "preset (unpaid, in the worklist, due today)"}
    out["count_today_value"] = worklist_count_today(project, now=clock.now())
    for name, fn in reads.items():
        log(f"  {name}: {calls} calls")
        out[name] = summary(_loop(lambda _i, fn=fn: fn(), max_n=calls, max_s=120))
    for stale in EXPLAIN_DIR.glob("dun_worklist_*.txt"):
        stale.unlink()
    plans: dict[str, Any] = {}
    for name, fn in reads.items():
        for k, sql in enumerate(_capture(fn), start=1):
            label = f"dun_worklist_{name}_{k}_{role_of(sql)}"
            info = explain(cfg, label, sql)
            text = (EXPLAIN_DIR / f"{label}.txt").read_text(encoding="utf-8")
            plan = text.split("\n\n", 1)[1]
            info["index_backed"] = index_backed(plan)
            info["seq_scans"] = seq_scans(plan)
            info["indexes"] = sorted(
                set(
                    re.findall(
                        r"(?:Index|Index Only) Scan(?: Backward)? "
                        r"using (\w+)",
                        plan,
                    )
                )
            )
            info["indexes"] += [
                i
                for i in re.findall(r"Bitmap Index Scan on (\w+)", plan)
                if i not in info["indexes"]
            ]
            plans[label] = info
    out["explain"] = plans
    out["index_backed"] = all(p["index_backed"] for p in plans.values())
    return out


def phase(cfg: Config, log: Log) -> dict[str, Any]:
    """The bench phase: the data (once a day), then the reads."""
    data = ensure_dun(cfg, log)
    out = measure(cfg, data["slug"], log)
    out["data"] = data
    return out


def main() -> int:
    from bench import bootstrap
    from bench.config import load

    cfg = load()
    t0 = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - t0:7.1f}s] {message}", file=sys.stderr, flush=True)

    created = db.ensure_database(cfg)
    log(f"database {cfg.db_name}: {'created' if created else 'exists'}")
    bootstrap.setup_django(cfg)
    bootstrap.migrate_and_load()
    out = phase(cfg, log)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"dun_worklist-{cfg.orders}.json"
    path.write_text(json.dumps(out, indent=2, default=str) + "\n", encoding="utf-8")
    log(f"wrote {path}")
    print(json.dumps({k: v for k, v in out.items() if k != "explain"}, indent=2, default=str))
    return 0 if out["index_backed"] else 1


if __name__ == "__main__":
    sys.exit(main())
