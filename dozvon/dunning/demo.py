"""Demo data of the DUN playbook (issue 14): the project `pharmacy-demo` — a partner
pharmacy's unpaid bank-transfer orders — with its operators and supervisor, products,
mail settings, templates in Russian and Ukrainian, and about 200 orders in every state.

Everything is built through the services with a controllable clock, so the data obey
the rules: the orders are taken in by the intake service with their creation times;
then the days from the oldest order to `now` are replayed in order — the playbook's
triggers run at 00:05 each day (DUN-1: entering the worklist on day 7, leaving it six
weeks later), and each order's work happens on its days: two calls from Skype and Magna
more than two hours apart or a conversation, a comment in Russian, then an email, a
postponement, a cancel (DUN-4…7); a supervisor confirms payments and once ran the clean-up
of exhausted orders (DUN-8). Nothing is scheduled after `now`.

`build_pharmacy_demo(now=…)` does nothing when the project exists.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.db import transaction

from dozvon.automation.services import triggers_run
from dozvon.catalog.models import Product
from dozvon.core.demo_people import PASSWORD
from dozvon.dunning.demo_data import (
    _LIST,
    _SIGN_RU,
    _SIGN_UK,
    BANK_DETAILS_RU,
    FAILED,
    NO_NUMBER,
    PAID,
    PHONES,
    PRODUCTS,
    RU_FEMALE,
    RU_MALE,
    SLUG,
    TALKED,
    TRANSLIT,
    TZ,
    UA_FEMALE,
    UA_MALE,
    VOICEMAIL,
    _person,
    _phone,
    _project,
    _templates,
)
from dozvon.dunning.demo_replay import Replay, _days
from dozvon.dunning.services import exhausted_clean_up
from dozvon.orders import services as svc
from dozvon.projects.models import Project

__all__ = [
    "BANK_DETAILS_RU",
    "CANCEL_REASONS",
    "CLEAN_UP_DAYS_AGO",
    "FAILED",
    "NO_NUMBER",
    "PAID",
    "PASSWORD",
    "PHONES",
    "PLAN",
    "PRODUCTS",
    "REASONS",
    "RU_FEMALE",
    "RU_MALE",
    "SLUG",
    "TALKED",
    "TRANSLIT",
    "TZ",
    "UA_FEMALE",
    "UA_MALE",
    "VOICEMAIL",
    "Replay",
    "_LIST",
    "_SIGN_RU",
    "_SIGN_UK",
    "_days",
    "_intake",
    "_person",
    "_phone",
    "_project",
    "_script",
    "_templates",
    "build_pharmacy_demo",
]


# States and how many orders each: (state, count, days since creation).
PLAN = [
    ("waiting", 30, (0, 6)),  # pending, before day 7 (DUN-1)
    ("card", 5, (8, 20)),  # paid by card: never enters the worklist
    ("new", 15, (7, 10)),  # in the worklist, not called yet
    ("worked", 40, (8, 48)),  # in the worklist, weeks 1–6, called from both lines
    ("postponed", 35, (8, 40)),  # 7 for each reason (DUN-5)
    ("unreachable", 10, (9, 40)),  # emails instead of calls (DUN-8)
    ("exhausted", 8, (14, 40)),  # more than 7 calls: for the clean-up button (DUN-8)
    ("cancelled", 14, (8, 45)),  # by an operator, with a reason (DUN-4)
    ("cleaned_up", 6, (16, 40)),  # by the supervisor's clean-up (DUN-8)
    ("paid_early", 5, (3, 20)),  # paid before day 7
    ("paid", 20, (9, 45)),  # paid after being worked (DUN-9)
    ("expired", 12, (50, 58)),  # six weeks over: out of the worklist, status kept
]
CLEAN_UP_DAYS_AGO = 5  # when the supervisor pressed the clean-up button


@transaction.atomic
def build_pharmacy_demo(*, now: datetime, seed: int = 7) -> dict[str, int]:
    """Create `pharmacy-demo` and its ~200 orders; {} when it exists already."""
    if Project.objects.filter(slug=SLUG).exists():
        return {}
    rng = random.Random(seed)
    project, people = _project(now)
    replay = Replay(project, people, rng, now)
    products = list(Product.objects.filter(project=project).order_by("id"))
    n, first = 0, replay.today
    for state, count, (low, high) in PLAN:
        for i in range(count):
            n += 1
            order, entered = _intake(replay, products, n, state, rng.randint(low, high))
            _script(replay, order, entered, state, i)
            first = min(first, entered)
    day = first
    while day <= replay.today:  # the worker's runs: every day just after midnight
        moment = replay.at(day, 0, 5)
        replay.schedule(moment, lambda m=moment: triggers_run(project=project, now=m))
        day += timedelta(days=1)
    clean = replay.at(replay.today - timedelta(days=CLEAN_UP_DAYS_AGO), 8, 30)
    replay.schedule(
        clean,
        lambda: exhausted_clean_up(project=project, actor=people["sup"], now=clean),
    )
    replay.run()
    triggers_run(project=project, now=now)
    return {SLUG: n}


def _intake(replay: Replay, products, n: int, state: str, days_ago: int):
    rng = replay.rng
    if days_ago == 0:
        created = replay.now - timedelta(minutes=rng.randint(5, 180))
    else:
        day = replay.today - timedelta(days=days_ago)
        created = replay.at(day, rng.randint(7, 22), rng.randint(0, 59))
    # emails for most; the states that send emails always have one
    with_email = state in {"unreachable", "exhausted", "cleaned_up", "postponed"} or (
        rng.random() < 0.85
    )
    main = rng.choice(products)
    items = [svc.ItemInput(main.sku, rng.choice([10, 20, 30, 30, 60, 90]))]
    if rng.random() < 0.25:
        extra = rng.choice([p for p in products if p != main])
        items.append(svc.ItemInput(extra.sku, rng.choice([10, 30])))
    order, _ = svc.order_intake(
        project=replay.project,
        actor=replay.people["partner"],
        external_id=f"PH-{240000 + n}",
        customer=_person(rng, n, with_email),
        items=items,
        payment_method="card" if state == "card" else "bank_transfer",
        created_at=created,
        now=created,
    )
    entered = created.astimezone(replay.zone).date() + timedelta(days=7)
    return order, entered


REASONS = ["promised_date", "will_think", "already_paid", "promised", "other"]
CANCEL_REASONS = ["refused", "refused", "wrong_number", "duplicate", "other"]


def _script(r: Replay, order, entered: date, state: str, i: int) -> None:
    """Schedule one order's work for its state (nothing after `now`)."""
    rng, last = r.rng, r.last_day
    if state in {"waiting", "card", "new"}:
        return
    if state == "paid_early":  # 1–4 days after the order, before today
        created = order.created_at.astimezone(r.zone).date()
        r.paid(order, created + timedelta(days=rng.randint(1, min(4, (last - created).days))))
        return
    if state == "worked":
        days = _days(entered, last, rng.randint(1, 3), rng)
        for k, day in enumerate(days):
            final = k == len(days) - 1
            if rng.random() < 0.3:
                then = r.email(order, "bank_details") if final else None
                r.talk(order, day, TALKED["talk"], then)
            else:
                r.failed_calls(order, day, r.bonus(order, entered, day) if final else None)
        if i % 3 == 0 and r.now.astimezone(r.zone).hour >= 11:
            # today: one call from Skype so far, the one from Magna still to make (DUN-7)
            when = r.at(r.today, 9, rng.randint(0, 40))
            who = r.operator()
            r.schedule(when, lambda: r.call(order, when, "skype", "no_answer", who))
        return
    if state == "postponed":
        reason = REASONS[i % len(REASONS)]
        for day in _days(entered, last - timedelta(days=3), rng.randint(0, 1), rng):
            r.failed_calls(order, day)
        if reason == "other":
            r.failed_calls(order, last, r.outcome(order, "postpone", "", reason="other"))
            return
        inputs: dict = {"reason": reason}
        text = TALKED[reason]
        if reason == "promised_date":
            promised = last + timedelta(days=rng.randint(3, 12))
            inputs["promised_on"] = promised
            text = text.format(date=f"{promised:%d.%m}")
        elif reason in {"will_think", "already_paid"}:
            inputs["days"] = rng.randint(2, 3)
        else:
            inputs["days"] = rng.randint(1, 3)
        postpone = r.outcome(order, "postpone", "", **inputs)
        if reason == "will_think":
            offer = r.bonus(order, entered, last)

            def then(when, who, postpone=postpone, offer=offer):
                postpone(when, who)
                offer(when + timedelta(minutes=1), who)

            r.talk(order, last, text, then)
        else:
            r.talk(order, last, text, postpone)
        return
    if state == "unreachable":
        day = _days(entered, last, 1, rng)[0]
        who = r.operator()
        start = r.at(day, 9, rng.randint(0, 50))
        no_number = i % 2 == 0
        mark = r.outcome(order, "unreachable", NO_NUMBER if no_number else VOICEMAIL)

        def work():
            if no_number:
                r.call(order, start, "skype", "invalid_number", who)
            else:
                r.call(order, start, "skype", "voicemail", who)
                r.call(order, start + timedelta(hours=2, minutes=20), "magna", "voicemail", who)
            after = start + timedelta(hours=2, minutes=30)
            mark(after, who)
            r.email(order, "bank_details")(after + timedelta(minutes=1), who)
            r.bonus(order, entered, day)(after + timedelta(minutes=2), who)

        r.schedule(start, work)
        return
    if state == "exhausted":  # 4 days × 2 calls, after the supervisor's last clean-up
        for day in (last - timedelta(days=d) for d in (3, 2, 1, 0)):
            r.failed_calls(order, day)
        return
    if state == "cleaned_up":  # 8 calls before the clean-up
        clean_day = r.today - timedelta(days=CLEAN_UP_DAYS_AGO)
        for day in (clean_day - timedelta(days=d) for d in (4, 3, 2, 1)):
            r.failed_calls(order, day)
        return
    if state == "cancelled":
        reason = CANCEL_REASONS[i % len(CANCEL_REASONS)]
        day = _days(entered, min(last, entered + timedelta(days=30)), 1, rng)[0]
        if reason in {"refused", "duplicate"}:
            text = TALKED[reason]
            r.talk(order, day, text, r.outcome(order, "cancel", text, reason=reason))
        else:
            text = NO_NUMBER if reason == "wrong_number" else rng.choice(FAILED)
            r.failed_calls(order, day, r.outcome(order, "cancel", text, reason=reason), first=text)
        return
    if state == "paid":
        days = _days(entered, last - timedelta(days=1), rng.randint(1, 2), rng)
        for k, day in enumerate(days):
            if k == len(days) - 1 and rng.random() < 0.5:
                r.talk(order, day, TALKED["talk"], r.email(order, "bank_details"))
            else:
                r.failed_calls(order, day, r.bonus(order, entered, day))
        r.paid(order, days[-1] + timedelta(days=rng.randint(1, max(1, (last - days[-1]).days))))
        return
    if state == "expired":  # worked in its first weeks, then six weeks were over
        days = _days(entered, entered + timedelta(days=20), 2, rng)
        r.failed_calls(order, days[0], r.bonus(order, entered, days[0]))
        if i % 3 == 0:
            r.talk(
                order,
                days[1],
                TALKED["promised"],
                r.outcome(order, "postpone", "", reason="promised", days=3),
            )
        else:
            r.failed_calls(order, days[1])
        return
    raise ValueError(state)
