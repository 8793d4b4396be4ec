"""A DUN-like playbook written by the tests (DUN-1, DUN-4, DUN-5, DUN-8) and helpers to
build its project; time is whatever `now` the tests pass to the services."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dozvon.automation.models import TriggerRun
from dozvon.customers.services import CustomerInput
from dozvon.history.models import TimelineEntry
from dozvon.orders import services as svc
from dozvon.orders.models import Order
from dozvon.playbooks.services import playbook_load
from tests.conftest import World, _world

MSK = ZoneInfo("Europe/Moscow")

PLAYBOOK = """
code = "dun_auto"
version = 1
name = { ru = "Дебиторка", uk = "Дебіторка", en = "Dunning" }

[settings]
claim_idle_minutes = 10

[settings.payment]
rule = "DUN-4"
methods = ["bank_transfer", "card"]

[[groups]]
code = "open"
name = { ru = "Открытые", uk = "Відкриті", en = "Open" }
[[groups]]
code = "closed"
name = { ru = "Закрытые", uk = "Закриті", en = "Closed" }

[[statuses]]
code = "pending"
group = "open"
initial = true
name = { ru = "Ожидает оплаты", uk = "Очікує оплати", en = "Pending" }
[[statuses]]
code = "cancelled"
group = "closed"
name = { ru = "Отменён", uk = "Скасовано", en = "Cancelled" }

[[queues]]
code = "worklist"
bucket = "worklist"
name = { ru = "Рабочий список", uk = "Робочий список", en = "Worklist" }

# DUN-5: "already paid" ⇒ back in 3 days, and ask for proof of payment
[[outcomes]]
code = "already_paid"
status = "pending"
rule = "DUN-5"
name = { ru = "Уже оплатил", uk = "Вже оплатив", en = "Already paid" }
requires = ["comment"]
routes = [{ bucket = "worklist", due = "now" }]
effects = [
  { effect = "mark", flag = "proof_requested" },
  { effect = "set_due", days = 3 },
  { effect = "send_message", template = "proof_request" },
]

# DUN-1: pending bank transfers enter the worklist 7 calendar days after creation …
[[triggers]]
code = "enter_worklist"
rule = "DUN-1"
when = "age"
after_days = 7
status = "pending"
payment_method = "bank_transfer"
bucket = ""
effects = [{ effect = "route", bucket = "worklist" }]

# … and leave it 6 weeks after entering, status kept
[[triggers]]
code = "leave_worklist"
rule = "DUN-1"
when = "age"
since = "trigger:enter_worklist"
after_weeks = 6
bucket = "worklist"
effects = [{ effect = "route", bucket = "" }]

# DUN-8: more than 7 emails + calls ⇒ a final offer, then cancelled
[[triggers]]
code = "too_many_contacts"
rule = "DUN-8"
when = "count"
count = ["calls", "messages"]
more_than = 7
bucket = "worklist"
effects = [
  { effect = "send_message", template = "final_bonus_25" },
  { effect = "cancel", status = "cancelled" },
]

# a nightly clean-up that is switched off
[[triggers]]
code = "nightly_cleanup"
rule = "DUN-8"
enabled = false
when = "age"
after_days = 1
status = "pending"
effects = [{ effect = "cancel", status = "cancelled" }]
"""


def load_dun(tmp_path: Path, now: datetime, text: str = PLAYBOOK) -> None:
    path = tmp_path / "dun_auto.toml"
    path.write_text(text, "utf-8")
    playbook_load(path=path, now=now)


def dun_world(tmp_path: Path, now: datetime, slug: str = "dun") -> World:
    load_dun(tmp_path, now)
    return _world("dun_auto", slug)


def pending_order(world: World, created_at: datetime, *, payment_method="bank_transfer", n=0):
    order, _ = svc.order_intake(
        project=world.project,
        actor=world.partner,
        external_id=None,
        customer=CustomerInput(name=f"Иванов Иван {n}", phone=f"+7916{1234567 + n:07d}"),
        items=[svc.ItemInput(world.products[0].sku)],
        payment_method=payment_method,
        created_at=created_at,
        now=created_at,
    )
    return order


def fresh(order: Order) -> Order:
    return Order.objects.get(pk=order.pk)


def automatic_lines(order: Order, **data) -> list[TimelineEntry]:
    """The order's `auto` timeline lines whose data contain `data`."""
    lines = TimelineEntry.objects.filter(order_id=order.pk, kind="auto").order_by("id")
    return [e for e in lines if all(e.data.get(k) == v for k, v in data.items())]


def runs(order: Order, trigger: str) -> int:
    return TriggerRun.objects.filter(order_id=order.pk, trigger=trigger).count()
