"""DUN payments as plain Python: no ORM, no clock (`now` is a parameter).

- what a reported payment must be (X-5 money, X-10 partner data): an amount above zero in
  kopecks, the order's currency, a time not in the future, a reference;
- when an order takes a payment (DUN-1: a paid order leaves the work; one payment each);
- the idempotency of a report: the same reference with the same payload is the same
  payment, with another payload a conflict;
- DUN-9 (Decisions): "a payment is 'after calls' when an operator worked the order (call,
  email, postponement) before it and is attributed to the last one who did" — no time
  window: the work happens inside DUN-1's six weeks anyway, and a payment that arrives
  later still follows the last conversation;
- the KPI's share of worked orders that were paid.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from dozvon.core import limits, numbers
from dozvon.core.errors import Violation, violation

REFERENCE = 100  # the partner's payment reference (bank transaction id), as stored
MONEY_RULE = "X-5"  # amounts and currencies of an order's payments
INPUT_RULE = "X-10"  # data the partner sends (time, reference, idempotency)
ORDER_RULE = "DUN-1"  # a paid order is no longer worked
KPI_RULE = "DUN-9"  # payments after calls
# the playbook's outcome (dun.toml) by which a supervisor confirms a payment (DUN-5): it
# records the payment, and is not itself work towards it (DUN-9)
CONFIRM_OUTCOME = "paid"
# partners' clocks drift: a payment time this far ahead of ours is still "now"
CLOCK_SKEW = timedelta(minutes=5)


def normal_reference(reference: str | None) -> str:
    return (reference or "").strip()


def normal_currency(currency: str | None, default: str) -> str:
    """The currency as stored: upper case; the order's own when none is named."""
    return (currency or "").strip().upper() or default


def check_payment(
    *,
    amount: Decimal,
    currency: str,
    expected_currency: str,
    paid_at: datetime,
    reference: str,
    now: datetime,
) -> list[Violation]:
    """Every violation of a reported payment at once (values already normalised)."""
    found: list[Violation] = []
    found += _check_amount(amount)
    if currency != expected_currency:
        found.append(
            violation(
                MONEY_RULE,
                "currency",
                "The project takes payments in %(currency)s only.",
                currency=expected_currency,
            )
        )
    if paid_at.tzinfo is None:
        found.append(violation(INPUT_RULE, "paid_at", "Give the payment time with its time zone."))
    elif not (datetime(2000, 1, 1, tzinfo=paid_at.tzinfo) <= paid_at):
        found.append(violation(INPUT_RULE, "paid_at", "The payment time is too far in the past."))
    elif paid_at > now + CLOCK_SKEW:
        found.append(violation(INPUT_RULE, "paid_at", "The payment time is in the future."))
    if not reference:
        found.append(violation(INPUT_RULE, "reference", "The payment reference is required."))
    elif len(reference) > REFERENCE:
        found.append(
            violation(
                INPUT_RULE,
                "reference",
                "The payment reference is longer than %(max)s characters.",
                max=REFERENCE,
            )
        )
    elif not reference.isprintable():
        found.append(
            violation(INPUT_RULE, "reference", "The payment reference has control characters.")
        )
    return found


def _check_amount(amount) -> list[Violation]:
    try:
        value = Decimal(amount)
        finite = value.is_finite()
    except (InvalidOperation, TypeError, ValueError):
        finite = False
    if not finite:
        return [violation(MONEY_RULE, "amount", "The amount is not a number.")]
    if value <= 0:
        return [violation(MONEY_RULE, "amount", "The amount must be greater than zero.")]
    if value > limits.MAX_AMOUNT:
        return [violation(MONEY_RULE, "amount", "The amount is too large.")]
    if value != value.quantize(Decimal("0.01")):
        return [violation(MONEY_RULE, "amount", "The amount has more than two decimal places.")]
    return []


def check_order_takes_payment(
    *, paid_group: str | None, status_group: str, paid_before: bool
) -> list[Violation]:
    """DUN-1: a project whose playbook has no paid status takes no payments (`paid_group`
    is the group of its `paid` status, None without one); an order that is paid (its
    status in that group: a supervisor's confirmation, an earlier payment) takes no
    second one. A cancelled order does take one: the money is in the bank whatever we
    decided."""
    if paid_group is None:
        return [violation(ORDER_RULE, "order", "This project's playbook has no paid status.")]
    if status_group == paid_group or paid_before:
        return [violation(ORDER_RULE, "order", "The order is already paid.")]
    return []


@dataclass(frozen=True)
class PaymentFact:
    """What makes two reports of one reference the same payment."""

    order_id: int
    amount: Decimal
    currency: str
    paid_at: datetime


def same_payment(stored: PaymentFact, reported: PaymentFact) -> bool:
    """X-10: a repeated report (the same reference) is the same payment only with the same
    order, amount, currency and time (the same instant, in any time zone)."""
    return (
        stored.order_id == reported.order_id
        and Decimal(stored.amount) == Decimal(reported.amount)
        and stored.currency == reported.currency
        and stored.paid_at == reported.paid_at
    )


@dataclass(frozen=True)
class WorkFact:
    """An operator's work on the order: a call, a result (postponement …) or an email."""

    at: datetime
    operator_id: int
    kind: str


def attribute(works: Iterable[WorkFact], paid_at: datetime) -> WorkFact | None:
    """DUN-9: the last work done on the order before the payment, or None when nobody
    worked it before (a payment that is not "after calls"). Of works at the same moment
    the one listed last wins (callers list them in the order they were recorded)."""
    last: WorkFact | None = None
    for work in works:
        if work.at < paid_at and (last is None or work.at >= last.at):
            last = work
    return last


def paid_share(payments: int, worked_orders: int) -> Decimal:
    """DUN-9 KPI: the share of worked orders that were paid, 0…1 (0 when none were worked).

    Payments of a day may follow work of earlier days, so on a day with more payments
    than orders worked the ratio would exceed 1; the share is capped at 1 (every order
    worked that day "paid"), the count of payments stays as it is."""
    return numbers.share(min(payments, worked_orders), worked_orders, empty=numbers.ZERO_SHARE)
