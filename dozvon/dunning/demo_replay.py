"""The replay of the pharmacy demo (`dozvon.dunning.demo`): `Replay` holds the days from
the oldest order to `now` as scheduled work run in time order — calls from Skype and
Magna, comments, emails, outcomes and payments — and `_days` picks the distinct days an
order is worked on. Nothing is scheduled after `now`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dozvon.dunning import rules as dun
from dozvon.dunning.demo_data import FAILED, PAID, TZ
from dozvon.messaging.services import message_send_now
from dozvon.orders import services as svc
from dozvon.orders.services.calling import call_attempt_record
from dozvon.projects.models import Project

# --- the replay -----------------------------------------------------------------------------


@dataclass
class Replay:
    """The days from the oldest order to `now`: scheduled work, run in time order."""

    project: Project
    people: dict
    rng: random.Random
    now: datetime
    events: list[tuple[datetime, int, Callable[[], object]]] = field(default_factory=list)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(TZ)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    @property
    def last_day(self) -> date:
        """The last full working day (yesterday): today's work is only partly done."""
        return self.today - timedelta(days=1)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def schedule(self, moment: datetime, fn: Callable[[], object]) -> None:
        if moment < self.now:
            self.events.append((moment, len(self.events), fn))

    def run(self) -> None:
        for _, _, fn in sorted(self.events, key=lambda e: (e[0], e[1])):
            fn()
        self.events.clear()

    def operator(self):
        return self.people[self.rng.choice(("op1", "op2"))]

    # one order's work on one day, as one scheduled step ---------------------------------

    def call(self, order, when, line, result, who):
        call_attempt_record(
            order_id=order.pk,
            actor=who,
            result=result,
            line=line,
            started_at=when,
            duration_s=75 if result == "answered" else 0,
            now=when,
        )

    def comment(self, order, when, text, who):
        svc.order_add_comment(order_id=order.pk, actor=who, text=text, now=when)

    def failed_calls(self, order, day: date, then=None, *, first=None):
        """DUN-7: Skype, then Magna more than 2 h later, no answer; the comment; `then`."""
        who = self.operator()
        start = self.at(day, 9, self.rng.randint(0, 50))

        def work():
            lines = ["skype", "magna"]
            self.rng.shuffle(lines)
            self.call(order, start, lines[0], "no_answer", who)
            second = start + timedelta(hours=2, minutes=self.rng.randint(5, 40))
            self.call(order, second, lines[1], self.rng.choice(["no_answer", "busy"]), who)
            after = second + timedelta(minutes=3)
            self.comment(order, after, first or self.rng.choice(FAILED), who)
            if then is not None:
                then(after + timedelta(minutes=2), who)

        self.schedule(start, work)

    def talk(self, order, day: date, text: str, then=None):
        """A conversation (DUN-7: then its comment is enough); `then`."""
        who = self.operator()
        start = self.at(day, 10, self.rng.randint(0, 50))

        def work():
            self.call(order, start, self.rng.choice(["skype", "magna"]), "answered", who)
            after = start + timedelta(minutes=4)
            self.comment(order, after, text, who)
            if then is not None:
                then(after + timedelta(minutes=2), who)

        self.schedule(start, work)

    def email(self, order, template: str, percent: int | None = None):
        """Send an email after the step (none for a customer without an address)."""

        def send(when, who):
            if not order.customer.email:
                return
            message_send_now(
                order_id=order.pk, template=template, bonus_percent=percent, actor=who, now=when
            )

        return send

    def bonus(self, order, entered: date, day: date):
        """DUN-2: the week's bonus, now and then the 25 % offered from the first call."""
        week = dun.work_week(entered, day)
        percent = 25 if self.rng.random() < 0.2 else dun.bonus_percent(week) or 25
        return self.email(order, "bonus_offer", percent)

    def outcome(self, order, code: str, comment: str, **inputs):
        def save(when, who):
            svc.order_apply_outcome(
                order_id=order.pk,
                actor=who,
                code=code,
                comment=comment,
                inputs=inputs,
                now=when,
            )

        return save

    def paid(self, order, day: date):
        sup = self.people["sup"]
        when = self.at(day, 16, self.rng.randint(0, 50))
        self.schedule(
            when,
            lambda: svc.order_apply_outcome(
                order_id=order.pk, actor=sup, code="paid", comment=self.rng.choice(PAID), now=when
            ),
        )


def _days(first: date, last: date, k: int, rng: random.Random) -> list[date]:
    """`k` distinct days in [first, last], in order (fewer when the range is short)."""
    span = (last - first).days + 1
    if span <= 0:
        return []
    return sorted(first + timedelta(days=d) for d in rng.sample(range(span), min(k, span)))
