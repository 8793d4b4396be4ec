"""Bench data: projects with the cod playbook, bulk-loaded with COPY.

Small reference rows (users, projects, products, memberships) go through the ORM; the big
tables (customers, phones, orders, items, call attempts) are streamed with psycopg's
`cursor.copy` on five connections at once, with the secondary indexes dropped during the
load and rebuilt afterwards, and with `session_replication_role = replica` so the
deferred FK triggers do not fire per row (the generator writes consistent keys). A marker
table (`bench_dataset`) records what was generated, so later runs on the same Moscow day
reuse it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bench import db
from bench.config import Config

GEN_VERSION = 4
TZ = "Europe/Moscow"
DAY = 86_400.0
PRODUCTS = 50
OPERATORS = 200
REPEAT_CUSTOMERS = 0.15  # share of orders from a customer who ordered before
HISTORY_DAYS = 180

# Where the orders of a realistic day sit (shares of the project's orders).
NEW, QUICK, NA_TODAY, NA_YDAY, NA_DB4, IN_WORK, EARLIER, DONE = range(8)
SHARES = {
    NEW: 0.008,  # bucket new, due now (created in the last hours)
    QUICK: 0.004,  # unreached, created today, 1-3 failed calls: quick recall
    NA_TODAY: 0.003,  # unreached, created today, 4+ failed calls
    NA_YDAY: 0.010,  # unreached, created yesterday
    NA_DB4: 0.010,  # unreached, created the day before yesterday
    IN_WORK: 0.015,  # in_work: call back (a fifth due now)
    EARLIER: 0.380,  # unreached, created more than 3 days ago (not callable)
}  # the rest: DONE (bucket '', confirmed / rejected / invalid)

SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
]
FIRST_NAMES = [
    "Александр",
    "Дмитрий",
    "Максим",
    "Сергей",
    "Андрей",
    "Алексей",
    "Артём",
    "Илья",
    "Кирилл",
    "Михаил",
    "Никита",
    "Матвей",
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Екатерина",
    "Светлана",
    "Юлия",
    "Дарья",
    "Галина",
]
PRODUCT_NAMES = [
    "Крем для лица",
    "Сыворотка для волос",
    "Массажёр для шеи",
    "Фитнес-браслет",
    "Набор ножей",
    "Термокружка",
    "Корректор осанки",
    "Беспроводные наушники",
    "Умные часы",
    "Пояс для похудения",
    "Ортопедическая стельки",
    "Чай для похудения",
    "Крем от морщин",
    "Эпилятор",
    "Выпрямитель для волос",
    "Набор кастрюль",
    "Пылесос ручной",
    "Увлажнитель воздуха",
    "Лампа для селфи",
    "Рюкзак антивор",
]
FAILED = ("no_answer", "no_answer", "no_answer", "busy", "voicemail")
REJECT_PROBLEMS = ("changed_mind", "too_expensive", "delivery_terms", "did_not_order", "other")
INVALID_PROBLEMS = ("invalid_number", "spam", "duplicate")
COPY_TABLES = (
    "customers_customer",
    "customers_customerphone",
    "orders_order",
    "orders_orderitem",
    "calls_callattempt",
)
COLUMNS = {
    "customers_customer": "id, project_id, type, vip, surname, first_name, patronymic, gender, "
    "email, phone, phone_valid, payer_address, recipient_address, operator_comment, "
    "customer_comment, created_at",
    "customers_customerphone": "id, project_id, customer_id, phone, is_main",
    "orders_order": "id, project_id, external_id, customer_id, customer_name, phone, name_key, "
    "status, status_group, problem, bucket, due_at, callback_at, responsible_id, "
    "claimed_by_id, claimed_at, main_product_id, failed_calls, calls_total, last_call_at, "
    "last_outcome_at, last_comment, currency, goods_total, delivery_cost, total, "
    "payment_method, paid_amount, payment_status, delivery_method, delivery_address, "
    "delivery_date, delivery_time_from, delivery_time_to, delivery_window_approved, "
    "delivery_note, delivery_flag, extra, created_at, updated_at, version",
    "orders_orderitem": "id, order_id, product_id, sku, name, quantity, unit_price, "
    "discount_percent, line_total, is_main, added_at, discount_amount",
    "calls_callattempt": "id, project_id, order_id, operator_id, started_at, duration_s, "
    "result, created_at",
}
MARKER_DDL = """
CREATE TABLE IF NOT EXISTS bench_dataset (
    slug text PRIMARY KEY,
    orders integer NOT NULL,
    version integer NOT NULL,
    moscow_day date NOT NULL,
    generated_at timestamptz NOT NULL,
    info jsonb NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS bench_dropped_index (name text PRIMARY KEY, definition text NOT NULL);
"""

Log = Callable[[str], None]


def _ts(value: float, _fmt=time.strftime, _gm=time.gmtime) -> str:
    return _fmt("%Y-%m-%d %H:%M:%S+00", _gm(value))


def moscow_day(now: datetime) -> str:
    return now.astimezone(ZoneInfo(TZ)).date().isoformat()


# --- marker and reuse ---------------------------------------------------------------------


def _restore_dropped_indexes(conn) -> None:
    """A load that died half-way left indexes dropped: put them back first."""
    for name, definition in conn.execute(
        "SELECT name, definition FROM bench_dropped_index"
    ).fetchall():
        if conn.execute("SELECT to_regclass(%s)", (name,)).fetchone()[0] is None:
            conn.execute(definition)
        conn.execute("DELETE FROM bench_dropped_index WHERE name = %s", (name,))


def dataset_state(cfg: Config, now: datetime) -> tuple[bool, dict[str, dict]]:
    """(reusable, marker rows by slug) for the sizes this run wants."""
    with db.connect(cfg) as conn:
        conn.execute(MARKER_DDL)
        _restore_dropped_indexes(conn)
        rows = {
            r[0]: {"orders": r[1], "version": r[2], "day": r[3].isoformat(), "info": r[5]}
            for r in conn.execute("SELECT * FROM bench_dataset").fetchall()
        }
        slugs = [f"bench-{n}" for n in cfg.growth_sizes]
        live = {
            r[0]: r[1]
            for r in conn.execute(
                "SELECT slug, id FROM projects_project WHERE slug = ANY(%s)", (slugs,)
            ).fetchall()
        }
    today = moscow_day(now)
    ok = not cfg.regenerate and all(
        slug in rows
        and slug in live
        and rows[slug]["orders"] == n
        and rows[slug]["version"] == GEN_VERSION
        and rows[slug]["day"] == today
        and rows[slug]["info"].get("project_id") == live[slug]
        for slug, n in zip(slugs, cfg.growth_sizes, strict=True)
    )
    return ok, rows


# --- reference rows (ORM) -----------------------------------------------------------------


def _truncate(cfg: Config) -> None:
    with db.connect(cfg) as conn:
        foreign = conn.execute(
            "SELECT slug FROM projects_project WHERE slug NOT LIKE 'bench-%%' LIMIT 3"
        ).fetchall()
        if foreign:
            raise SystemExit(
                f"Database {cfg.db_name!r} holds projects the bench did not make "
                f"({', '.join(r[0] for r in foreign)}): refusing to empty it. Point "
                "BENCH_DATABASE_URL at a database of its own."
            )
        conn.execute(
            "TRUNCATE projects_project, accounts_user, audit_auditentry, customers_customer, "
            "orders_order, calls_callattempt, queues_tabtally, bench_dataset, django_session "
            "RESTART IDENTITY CASCADE"
        )


def _reference_rows(cfg: Config, now: datetime) -> dict:
    """Users, projects, products and memberships; returns ids the generator needs."""
    from dozvon.accounts.models import User
    from dozvon.catalog.models import Product
    from dozvon.playbooks.models import Playbook
    from dozvon.playbooks.services import playbook_load_all
    from dozvon.projects.models import Membership, Project

    playbook_load_all(now=now)
    cod = Playbook.objects.get(code="cod")
    rng = random.Random(7)
    users = User.objects.bulk_create(
        [
            User(
                username=f"bench-op{i:03d}",
                password="!",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(SURNAMES),
            )
            for i in range(OPERATORS)
        ]
        + [
            User(username="bench-supervisor", password="!"),
            User(username="bench-intake", password="!"),
        ]
    )
    operators, supervisor, integration = users[:OPERATORS], users[-2], users[-1]
    weights = [1 / (j + 1) ** 0.8 for j in range(PRODUCTS)]
    skills_of: list[list[int] | None] = []
    for i in range(OPERATORS):
        if i % 5 in (0, 2):  # 40% work every product
            skills_of.append(None)
            continue
        pick = random.Random(1000 + i)
        chosen: set[int] = set()
        want = 5 + (i * 7) % 16
        while len(chosen) < want:
            chosen.add(pick.choices(range(PRODUCTS), weights=weights)[0])
        skills_of.append(sorted(chosen))
    projects = {}
    through = Membership.skills.through
    for size in cfg.growth_sizes:
        project = Project.objects.create(
            slug=f"bench-{size}", name=f"Bench {size:,} orders", playbook=cod, time_zone=TZ
        )
        products = Product.objects.bulk_create(
            Product(
                project=project,
                sku=f"SKU-{j:03d}",
                name=f"{PRODUCT_NAMES[j % len(PRODUCT_NAMES)]} №{j + 1}",
                price=Decimal(990 + 100 * ((j * 37) % 41)),
                max_discount_percent=Decimal(10),
            )
            for j in range(PRODUCTS)
        )
        members = Membership.objects.bulk_create(
            [
                Membership(
                    user=u, project=project, role="operator", all_products=skills_of[i] is None
                )
                for i, u in enumerate(operators)
            ]
            + [
                Membership(user=supervisor, project=project, role="supervisor"),
                Membership(user=integration, project=project, role="integration"),
            ]
        )
        through.objects.bulk_create(
            through(membership_id=m.pk, product_id=products[j].pk)
            for m, skills in zip(members, skills_of, strict=False)
            if skills
            for j in skills
        )
        projects[size] = {
            "project_id": project.pk,
            "products": [(p.pk, p.sku, p.name, p.price) for p in products],
        }
    return {
        "operators": [u.pk for u in operators],
        "skills": skills_of,
        "supervisor": supervisor.pk,
        "integration": integration.pk,
        "weights": weights,
        "projects": projects,
    }


# --- bulk tables (COPY) -------------------------------------------------------------------


class Streams:
    """One COPY per table, each on its own connection, fed in chunks."""

    CHUNK = 4000

    def __init__(self, cfg: Config, stack: ExitStack):
        self.copies = {}
        self.buffers: dict[str, list[str]] = {}
        self.rows = dict.fromkeys(COPY_TABLES, 0)
        for table in COPY_TABLES:
            conn = stack.enter_context(db.connect(cfg, autocommit=False))
            conn.execute("SET session_replication_role = replica")
            cur = stack.enter_context(conn.cursor())
            self.copies[table] = stack.enter_context(
                cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN")
            )
            self.buffers[table] = []

    def add(self, table: str, line: str) -> None:
        buf = self.buffers[table]
        buf.append(line)
        if len(buf) >= self.CHUNK:
            self.flush(table)

    def flush(self, table: str) -> None:
        buf = self.buffers[table]
        if buf:
            self.copies[table].write("".join(buf))
            self.rows[table] += len(buf)
            buf.clear()

    def flush_all(self) -> None:
        for table in COPY_TABLES:
            self.flush(table)


class Ids:
    def __init__(self):
        self.customer = self.phone = self.order = self.item = self.call = 0


def _name_key(name: str) -> str:
    return " ".join(name.casefold().replace("ё", "е").split())


def _created_times(n: int, rng: random.Random, now: float, days: list[float]) -> list:
    """(created_at, category) for n orders; `days` are the Moscow day starts
    [today, yesterday, day before]."""
    today, yday, db4 = days
    counts = {cat: round(n * share) for cat, share in SHARES.items()}
    counts[DONE] = n - sum(counts.values())
    out = []
    uni = rng.uniform
    for _ in range(counts[NEW]):
        out.append((now - min(rng.expovariate(1 / 10_800), 30 * 3600) - 1, NEW))
    for cat, lo, hi in (
        (QUICK, today, now),
        (NA_TODAY, today, now),
        (NA_YDAY, yday, today),
        (NA_DB4, db4, yday),
        (IN_WORK, now - 10 * DAY, now),
        (EARLIER, now - HISTORY_DAYS * DAY, db4 - 1),
        (DONE, now - HISTORY_DAYS * DAY, now - 600),
    ):
        out.extend((uni(lo, hi), cat) for _ in range(counts[cat]))
    out.sort()
    return out


def _project_rows(
    streams: Streams,
    ids: Ids,
    *,
    size: int,
    project_id: int,
    products: list,
    ref: dict,
    now_dt: datetime,
    phone_base: int,
) -> dict[str, int]:
    rng = random.Random(size)
    now = now_dt.timestamp()
    zone = ZoneInfo(TZ)
    local_today = now_dt.astimezone(zone).date()
    days = [
        datetime.combine(local_today - timedelta(days=k), dtime(0), tzinfo=zone).timestamp()
        for k in range(3)
    ]
    end_of_today = days[0] + DAY - 1
    operators = ref["operators"]
    rows = _created_times(size, rng, now, days)
    product_pick = rng.choices(range(PRODUCTS), weights=ref["weights"], k=size)
    pool: list[tuple[int, str, str]] = []
    add = streams.add
    rand, randint, choice = rng.random, rng.randint, rng.choice
    tally = dict.fromkeys(("new", "unreached", "in_work", "done"), 0)
    p = str(project_id)
    for index, (created, cat) in enumerate(rows):
        ids.order += 1
        oid = ids.order
        # customer: mostly new, some who ordered before (same person, same phone)
        if pool and rand() < REPEAT_CUSTOMERS:
            cid, cname, phone = choice(pool)
        else:
            ids.customer += 1
            cid = ids.customer
            surname, first = choice(SURNAMES), choice(FIRST_NAMES)
            cname = f"{surname} {first}"
            phone = f"+79{phone_base + cid:09d}"
            pool.append((cid, cname, phone))
            ts = _ts(created)
            add(
                "customers_customer",
                f"{cid}\t{p}\tprivate\tf\t{surname}\t{first}\t\t\t\t{phone}\tt\t{{}}\t{{}}"
                f"\t\t\t{ts}\n",
            )
            ids.phone += 1
            add("customers_customerphone", f"{ids.phone}\t{p}\t{cid}\t{phone}\tt\n")
        pid, sku, pname, price = products[product_pick[index]]
        failed = answered = 0
        due = callback = last_outcome = responsible = None
        problem, comment, bucket = "", "", ""
        if cat == NEW:
            status, group, bucket = "new", "new", "new"
        elif cat == IN_WORK:
            status, group, bucket, problem = "callback", "processing", "in_work", "need_callback"
            failed, answered = (1 if rand() < 0.3 else 0), 1
            responsible = choice(operators)
            comment = "Просит перезвонить вечером"
        elif cat == DONE:
            r = rand()
            if r < 0.6:
                status, group = "confirmed", "confirmed"
                failed, answered = (1 if rand() < 0.3 else 0), 1
            elif r < 0.9:
                status, group, problem = "rejected", "cancelled", choice(REJECT_PROBLEMS)
                failed, answered = randint(0, 2), 1
                comment = "Отказ"
            else:
                status, group, problem = "invalid", "cancelled", choice(INVALID_PROBLEMS)
                failed = 1 if rand() < 0.5 else 0
            responsible = choice(operators)
        else:
            status, group, bucket, problem = "no_answer", "processing", "unreached", "no_answer"
            comment = "Не берёт трубку"
            if cat == QUICK:
                failed = randint(1, 3)
            elif cat == NA_TODAY:
                failed = randint(4, 6)
            else:
                failed = randint(4, 8)
        calls = failed + answered
        last = None
        if calls:
            room = max(now - created - 1, 0.0)
            first = created + min(60.0, room / 2)
            span = min(room - (first - created), 2 * DAY)
            last = first + span * (0.5 + 0.5 * rand())
            step = (last - first) / (calls - 1) if calls > 1 else 0.0
            for k in range(calls):
                ids.call += 1
                started = first + step * k
                ok = k >= failed
                duration = randint(40, 400) if ok else randint(0, 30)
                add(
                    "calls_callattempt",
                    f"{ids.call}\t{p}\t{oid}\t{choice(operators)}\t{_ts(started)}\t{duration}"
                    f"\t{'answered' if ok else choice(FAILED)}\t{_ts(started + duration)}\n",
                )
        if cat == NEW:
            due = created
        elif cat == IN_WORK:
            if rand() < 0.2:  # a fifth of the call-backs are due now
                callback = max(now - 3 * 3600 * rand(), last + 60)
            else:
                callback = now + 3600 + 6 * DAY * rand()
            due, last_outcome = callback, last + 60
        elif bucket == "unreached":
            last_outcome = last
            if cat == QUICK:
                due = last + 120
            else:
                due = last + 3600
                if cat == NA_TODAY:
                    due = min(due, end_of_today)
                callback = due
        else:
            last_outcome = (last or created) + 120
        quantity = 2 if rand() < 0.2 else 1
        total = f"{price * quantity:.2f}"
        ids.item += 1
        ts_created = _ts(created)
        add(
            "orders_orderitem",
            f"{ids.item}\t{oid}\t{pid}\t{sku}\t{pname}\t{quantity}\t{price:.2f}\t0.00\t{total}"
            f"\tt\t{ts_created}\t0.00\n",
        )
        updated = max(created, last or created, last_outcome or created)
        n_ = r"\N"
        add(
            "orders_order",
            f"{oid}\t{p}\t{f'ext-{oid}' if index % 10 else n_}\t{cid}\t{cname}\t{phone}"
            f"\t{_name_key(f'{cname} {cname}')}\t{status}\t{group}\t{problem}\t{bucket}"
            f"\t{_ts(due) if due else n_}\t{_ts(callback) if callback else n_}"
            f"\t{responsible or n_}\t{n_}\t{n_}\t{pid}\t{failed}\t{calls}"
            f"\t{_ts(last) if last else n_}\t{_ts(last_outcome) if last_outcome else n_}"
            f"\t{comment}\tRUB\t{total}\t0.00\t{total}\tcod\t0.00\t\t\t{{}}\t{n_}\t{n_}\t{n_}"
            f"\tf\t\tf\t{{}}\t{ts_created}\t{_ts(updated)}\t{1 + calls}\n",
        )
        tally[bucket if bucket else "done"] += 1
    return tally


INDEX_QUERY = """
SELECT c.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_class c ON c.oid = i.indexrelid
WHERE t.relname = ANY(%s) AND NOT i.indisprimary
  AND NOT EXISTS (
    SELECT 1 FROM pg_constraint k
    WHERE k.conindid = i.indexrelid AND k.conrelid = t.oid AND k.contype IN ('p', 'u', 'x'))
ORDER BY pg_relation_size(t.oid) DESC, c.relname
"""


def _drop_indexes(cfg: Config) -> list[tuple[str, str]]:
    with db.connect(cfg) as conn:
        found = conn.execute(INDEX_QUERY, (list(COPY_TABLES),)).fetchall()
        for name, definition in found:
            conn.execute(
                "INSERT INTO bench_dropped_index VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (name, definition),
            )
            conn.execute(f'DROP INDEX "{name}"')
    return found


def _rebuild_indexes(cfg: Config, found: list[tuple[str, str]]) -> None:
    with db.connect(cfg) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in found:
            conn.execute(definition)
            conn.execute("DELETE FROM bench_dropped_index WHERE name = %s", (name,))


def generate(cfg: Config, now: datetime, log: Log) -> dict:
    started = time.perf_counter()
    _truncate(cfg)
    ref = _reference_rows(cfg, now)
    dropped = _drop_indexes(cfg)
    t_copy = time.perf_counter()
    ids = Ids()
    tallies = {}
    with ExitStack() as stack:
        streams = Streams(cfg, stack)
        for k, size in enumerate(cfg.growth_sizes):
            info = ref["projects"][size]
            tallies[size] = _project_rows(
                streams,
                ids,
                size=size,
                project_id=info["project_id"],
                products=info["products"],
                ref=ref,
                now_dt=now,
                phone_base=(k + 1) * 30_000_000,
            )
            log(f"  generated bench-{size}: {tallies[size]}")
        streams.flush_all()
        rows = dict(streams.rows)
        # leaving the stack ends every COPY and commits each connection
    copy_s = time.perf_counter() - t_copy
    t_index = time.perf_counter()
    _rebuild_indexes(cfg, dropped)
    index_s = time.perf_counter() - t_index
    from dozvon.queues.tally import COMPACT, REBUILD

    with db.connect(cfg) as conn:  # COPY ran as `replica`: the tally trigger did not fire
        conn.execute(REBUILD)
        conn.execute(COMPACT, {"now": datetime.now(UTC)})  # as the worker keeps it
    with db.connect(cfg) as conn:
        for table in COPY_TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
    t_vac = time.perf_counter()
    db.vacuum(cfg, *COPY_TABLES, analyze=True)
    vacuum_s = time.perf_counter() - t_vac
    total_s = time.perf_counter() - started
    generated_at = datetime.now(UTC)
    with db.connect(cfg) as conn:
        from psycopg.types.json import Jsonb

        for size in cfg.growth_sizes:
            info = ref["projects"][size]
            conn.execute(
                "INSERT INTO bench_dataset VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    f"bench-{size}",
                    size,
                    GEN_VERSION,
                    moscow_day(now),
                    generated_at,
                    Jsonb(
                        {
                            "project_id": info["project_id"],
                            "buckets": tallies[size],
                            "seconds": round(total_s, 1),
                        }
                    ),
                ),
            )
    return {
        "reused": False,
        "seconds": round(total_s, 1),
        "copy_seconds": round(copy_s, 1),
        "index_seconds": round(index_s, 1),
        "vacuum_analyze_seconds": round(vacuum_s, 1),
        "rows": rows,
        "generated_at": generated_at.isoformat(),
    }


def ensure_data(cfg: Config, log: Log) -> dict:
    now = datetime.now(UTC)
    ok, rows = dataset_state(cfg, now)
    if ok:
        main = rows[cfg.main_slug]
        log(f"reusing data generated {main['day']} ({main['orders']:,} orders in {cfg.main_slug})")
        return {"reused": True, "seconds": 0.0, "generated_seconds": main["info"].get("seconds")}
    log(f"generating {sum(cfg.growth_sizes):,} orders in {len(cfg.growth_sizes)} projects …")
    return generate(cfg, now, log)
