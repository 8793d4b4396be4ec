"""The raw-SQL intake baseline (issue 18): what one intake must do, hand-written on psycopg,
no HTTP, no ORM, no auth — the floor batch intake is measured against.

It sends the statements `order_intake` sends (tests/services/test_query_counts.py holds
their count: 14 for a new customer, 12 for a returning one), in the same order, with the
same checks: the replay lookup by `external_id`, the products by SKU (exists, active, its
price), BEGIN, the customer by phone (a customer and its phone row inserted when new), the
order with its totals and search key computed first, its items, the "received" timeline
line, the audit row, the changes-feed row, the project's webhook endpoints, the COD-19
checks (a malformed phone, an obscene name, a duplicate of an order still in New: then the
invalidation UPDATE with its timeline, audit and changes-feed rows), COMMIT. The pure rules
are dozvon's own (phone parsing, name keys, totals, the obscenity check): the baseline
removes the framework, not the work.

The orders carry the intake phases' `external_id` prefix, so `intake.archive_intake`
moves them out of the big project afterwards like the others.
"""

from __future__ import annotations

import hashlib
import json
import time
from decimal import Decimal
from typing import Any

from bench import db
from bench.config import Config
from bench.intake import Payloads, _existing_phones
from bench.load import Recorder, run_workers

DEDUPE_SQL = (
    "SELECT id, extra->>'intake_digest' FROM orders_order "
    "WHERE project_id = %s AND external_id = %s ORDER BY id LIMIT 1"
)
PRODUCTS_SQL = (
    "SELECT id, sku, name, price, max_discount_percent, is_active FROM catalog_product "
    "WHERE project_id = %s AND sku = ANY(%s)"
)
CUSTOMER_SQL = (
    "SELECT c.id, c.surname, c.first_name, c.patronymic, c.phone FROM customers_customerphone p "
    "JOIN customers_customer c ON c.id = p.customer_id WHERE p.project_id = %s AND p.phone = %s "
    "ORDER BY p.is_main DESC, p.id LIMIT 1"
)
CUSTOMER_INSERT = (
    "INSERT INTO customers_customer (project_id, type, vip, surname, first_name, patronymic, "
    "gender, email, phone, phone_valid, payer_address, recipient_address, operator_comment, "
    "customer_comment, created_at) VALUES (%s, 'private', false, %s, %s, %s, '', '', %s, %s, "
    "'{}', '{}', '', '', %s) RETURNING id"
)
PHONE_INSERT = (
    "INSERT INTO customers_customerphone (project_id, customer_id, phone, is_main) "
    "VALUES (%s, %s, %s, true)"
)
ORDER_INSERT = (
    "INSERT INTO orders_order (project_id, external_id, customer_id, customer_name, phone, "
    "name_key, status, status_group, problem, bucket, due_at, callback_at, responsible_id, "
    "claimed_by_id, claimed_at, main_product_id, failed_calls, calls_total, last_call_at, "
    "last_outcome_at, last_comment, currency, goods_total, delivery_cost, total, "
    "payment_method, paid_amount, payment_status, delivery_method, delivery_address, "
    "delivery_date, delivery_time_from, delivery_time_to, delivery_window_approved, "
    "delivery_note, delivery_flag, extra, created_at, updated_at, version) VALUES "
    "(%s, %s, %s, %s, %s, %s, %s, %s, '', %s, %s, NULL, NULL, NULL, NULL, %s, 0, 0, NULL, "
    "NULL, '', %s, %s, 0, %s, %s, 0, '', '', '{}', NULL, NULL, NULL, false, '', false, %s, "
    "%s, %s, 1) RETURNING id"
)
ITEM_COLUMNS = (
    "INSERT INTO orders_orderitem (order_id, product_id, sku, name, quantity, unit_price, "
    "discount_percent, line_total, is_main, added_at, discount_amount) VALUES "
)
ITEM_VALUES = "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0)"
TIMELINE_INSERT = (
    "INSERT INTO orders_timelineentry (order_id, interaction_id, kind, at, actor_id, text, data) "
    "VALUES (%s, NULL, 'auto', %s, %s, %s, %s)"
)
AUDIT_INSERT = (
    "INSERT INTO audit_auditentry (at, actor_id, project_id, action, target_type, target_id, "
    "changes) VALUES (%s, %s, %s, %s, 'order', %s, %s)"
)
CHANGE_INSERT = (
    "INSERT INTO changes_change (project_id, order_id, kind, status, status_group, at) "
    "VALUES (%s, %s, %s, %s, %s, %s)"
)
WEBHOOKS_SQL = "SELECT id, kinds FROM webhooks_webhookendpoint WHERE active AND project_id = %s"
DUPLICATES_SQL = (
    "SELECT id, customer_name FROM orders_order WHERE customer_id = %s AND main_product_id = %s "
    "AND project_id = %s AND status = %s AND id <> %s ORDER BY id"
)
INVALIDATE_SQL = (
    "UPDATE orders_order SET status = %s, status_group = %s, problem = %s, bucket = '', "
    "due_at = NULL, extra = %s, last_outcome_at = %s WHERE id = %s"
)


class _Counted:
    """A connection that counts the statements sent through it (BEGIN and COMMIT too)."""

    def __init__(self, conn):
        self._conn = conn
        self.statements = 0

    def execute(self, query, params=None):
        self.statements += 1
        return self._conn.execute(query, params)

    def transaction(self):
        self.statements += 2
        return self._conn.transaction()


class RawIntake:
    """One client's intake on its own psycopg connection (autocommit between intakes)."""

    def __init__(self, conn, *, project_id: int, currency: str, actor_id: int, pb):
        self.conn = _Counted(conn)
        self.project_id = project_id
        self.currency = currency
        self.actor_id = actor_id
        self.initial = pb.initial_status
        self.bucket = pb.intake_bucket
        self.intake = pb.settings.get("intake") or {}
        self.invalid = pb.statuses[self.intake["status"]] if self.intake else None
        self.methods = pb.payment_methods

    def __call__(self, body: dict, now) -> str:
        """Take one intake body in: "created", "existing" or "refused"."""
        from dozvon.core.money import line_total, money
        from dozvon.core.phones import parse_phone
        from dozvon.customers.profanity import is_obscene
        from dozvon.customers.rules import name_key, split_name
        from dozvon.customers.services import phone_key
        from dozvon.orders import rules

        conn, project = self.conn, self.project_id
        customer, items = body["customer"], body["items"]
        ext = body.get("external_id")
        name = customer["name"].strip()
        digest = _digest(body)
        if ext:
            row = conn.execute(DEDUPE_SQL, (project, ext)).fetchone()
            if row is not None:
                return "existing" if row[1] in (None, digest) else "refused"
        products = {
            r[1]: r
            for r in conn.execute(PRODUCTS_SQL, (project, [i["sku"] for i in items])).fetchall()
        }
        method = body.get("payment_method", "")
        if method and self.methods and method not in self.methods:
            return "refused"
        lines = []
        for item in items:
            p = products.get(item["sku"])
            if p is None or not p[5] or not 1 <= item["quantity"] <= 1000:
                return "refused"
            lines.append((p, money(p[3]), item["quantity"], Decimal(0)))
        goods, total = rules.totals(
            [rules.LineFact(price, qty, d) for _, price, qty, d in lines], Decimal(0)
        )
        raw_phone = customer["phone"]
        phone = phone_key(raw_phone)
        with conn.transaction():
            found = conn.execute(CUSTOMER_SQL, (project, phone)).fetchone()
            if found is None:
                surname, first, patronymic = split_name(name)
                customer_id = conn.execute(
                    CUSTOMER_INSERT,
                    (project, surname, first, patronymic, phone, parse_phone(raw_phone).valid, now),
                ).fetchone()[0]
                conn.execute(PHONE_INSERT, (project, customer_id, phone))
                full = " ".join(w for w in (surname, first, patronymic) if w)
            else:
                customer_id, full = found[0], " ".join(w for w in found[1:4] if w)
            main = lines[0][0]
            extra = {"intake_digest": digest}
            order_id = conn.execute(
                ORDER_INSERT,
                (
                    project,
                    ext,
                    customer_id,
                    name,
                    phone,
                    name_key(f"{name} {full}")[:700],
                    self.initial.code,
                    self.initial.group,
                    self.bucket,
                    now,
                    main[0],
                    self.currency,
                    goods,
                    total,
                    method,
                    json.dumps(extra),
                    now,
                    now,
                ),
            ).fetchone()[0]
            params: list[Any] = []
            for index, (p, price, qty, discount) in enumerate(lines):
                params += [order_id, p[0], p[1], p[2], qty, price, discount]
                params += [line_total(price, qty, discount), index == 0, now]
            conn.execute(ITEM_COLUMNS + ", ".join([ITEM_VALUES] * len(lines)), params)
            received = json.dumps({"external_id": ext, "status": self.initial.code})
            self._event(
                order_id, now, "Order received", received, "order.intake", "created", self.initial
            )
            problem, text, data = self._problem(
                raw_phone, name, customer_id, main[0], order_id, parse_phone, is_obscene
            )
            if problem:
                status = self.invalid
                if "duplicate_of" in data:
                    extra["duplicate_of"] = data["duplicate_of"]
                conn.execute(
                    INVALIDATE_SQL,
                    (status.code, status.group, problem, json.dumps(extra), now, order_id),
                )
                line = json.dumps(
                    {
                        "rule": self.intake.get("rule", ""),
                        "status": status.code,
                        "problem": problem,
                        **data,
                    }
                )
                self._event(
                    order_id, now, text, line, "order.auto_invalidate", "status", status, actor=None
                )
        return "created"

    def _event(self, order_id, now, text, data, action, kind, status, actor=-1) -> None:
        actor_id = self.actor_id if actor == -1 else actor
        conn = self.conn
        conn.execute(TIMELINE_INSERT, (order_id, now, actor_id, text, data))
        conn.execute(AUDIT_INSERT, (now, actor_id, self.project_id, action, str(order_id), data))
        conn.execute(
            CHANGE_INSERT, (self.project_id, order_id, kind, status.code, status.group, now)
        )
        conn.execute(WEBHOOKS_SQL, (self.project_id,)).fetchall()

    def _problem(self, raw_phone, name, customer_id, product_id, order_id, parse_phone, is_obscene):
        """COD-19 a, c, d as `_auto_invalidate` checks them: (problem, text, data)."""
        from dozvon.customers.rules import name_key

        intake = self.intake
        if not intake:
            return "", "", {}
        if "invalid_phone_problem" in intake and not parse_phone(raw_phone).valid:
            return (
                intake["invalid_phone_problem"],
                "Invalid phone number detected automatically",
                {"phone": raw_phone},
            )
        if "obscene_name_problem" in intake and is_obscene(name):
            return intake["obscene_name_problem"], "Obscene words in the name: spam", {}
        if "duplicate_problem" in intake:
            key = name_key(name)
            rows = self.conn.execute(
                DUPLICATES_SQL,
                (customer_id, product_id, self.project_id, self.initial.code, order_id),
            ).fetchall()
            original = next((pk for pk, other in rows if name_key(other) == key), None)
            if original is not None:
                return (
                    intake["duplicate_problem"],
                    "Duplicate of order #%(duplicate_of)s",
                    {"duplicate_of": original},
                )
        return "", "", {}


def _digest(body: dict) -> str:
    """A canonical hash of the payload, as the service keeps one (the replay check)."""
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def raw_intake_phase(
    cfg: Config,
    *,
    project_id: int,
    actor_id: int,
    clients: int,
    duration_s: float,
    tag: str = "raw",
) -> dict[str, Any]:
    """`clients` threads, each on its own connection, taking intake bodies in back to back
    (the same mix of new, returning and resubmitted customers as the HTTP intake)."""
    from dozvon.core import clock
    from dozvon.playbooks.selectors import playbook_def
    from dozvon.projects.models import Project

    project = Project.objects.select_related("playbook").get(pk=project_id)
    pb = playbook_def(project.playbook)
    phones = _existing_phones(cfg, project_id, 2000)
    stamp = f"{tag}-{int(time.time())}"

    def setup(i: int):
        conn = db.connect(cfg)
        intake = RawIntake(
            conn, project_id=project_id, currency=project.currency, actor_id=actor_id, pb=pb
        )
        return conn, intake, Payloads(7000 + i, phones, f"{stamp}-{i}")

    def step(ctx, rec: Recorder) -> bool:
        _conn, intake, payloads = ctx
        body = payloads.next()
        before = intake.conn.statements
        t0 = time.perf_counter()
        result = intake(body, clock.now())
        t1 = time.perf_counter()
        if result == "created":
            rec.add("created", t1, (t1 - t0) * 1000)
            rec.count("statements", intake.conn.statements - before)
        else:
            rec.count(result)
        return True

    def teardown(ctx) -> None:
        ctx[0].close()

    res = run_workers(
        clients,
        setup,
        step,
        teardown,
        duration_s=duration_s,
        warmup_s=cfg.warmup_s,
        max_ops=cfg.intake_max * 10,
    )
    created = res.stats("created")
    per_s = created.pop("per_s")
    busy = res.cpu.get("machine_busy_pct")
    n_created = sum(len(r.samples.get("created", ())) for r in res.recorders)
    return {
        "clients": clients,
        "orders_per_s": per_s,
        **created,
        "sql_statements": round(res.counter("statements") / n_created, 1) if n_created else None,
        "existing": res.counter("existing"),
        "refused": res.counter("refused"),
        "window_s": round(res.window_s, 2),
        "cpu": res.cpu,
        "machine_cpu_ms_per_order": round(busy / 100 * (res.cpu.get("cpus") or 1) * 1000 / per_s, 2)
        if busy is not None and per_s
        else None,
        "errors": res.errors,
        "how": "hand-written SQL on psycopg (autocommit outside the intake's transaction), "
        "the statements and checks of order_intake; no HTTP, ORM or auth",
    }
