"""DUN payments reported by the partner (API.md round 2; DUN-1, DUN-9): the only code that
writes a Payment, and with it the order it pays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop as N_

from dozvon.core.errors import DomainError, RuleViolations, Violation, violation
from dozvon.core.money import display_money, format_money, money
from dozvon.orders.models import Order
from dozvon.orders.services.base import apply_route, bump_version, lock_order
from dozvon.orders.services.events import Event, Line, record
from dozvon.orders.services.outcomes import order_apply_outcome
from dozvon.payments import rules
from dozvon.payments.models import Payment
from dozvon.payments.selectors import work_before
from dozvon.playbooks.engine import RouteDecision
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import PAYMENTS, ensure_can

PAID = "paid"  # the playbook's status code of a paid order (dun.toml)
LEAVES_WORK = RouteDecision(bucket="", due_at=None, callback_at=None)


class DuplicateReference(DomainError):
    """X-10: the reference is already used by a payment with another order, amount,
    currency or time (an idempotency key reused for another request): 409."""

    status = 409

    def __init__(self, payment_id: int):
        self.payment_id = payment_id
        super().__init__(f"reference already used by payment {payment_id}")


def _fact(payment: Payment) -> rules.PaymentFact:
    return rules.PaymentFact(payment.order_id, payment.amount, payment.currency, payment.paid_at)


def _same_or_conflict(stored: Payment, reported: rules.PaymentFact) -> tuple[Payment, bool]:
    if rules.same_payment(_fact(stored), reported):
        return stored, False
    raise DuplicateReference(stored.pk)


@transaction.atomic
def payment_report(
    *,
    order_id: int,
    amount: Decimal,
    paid_at: datetime,
    reference: str,
    currency: str | None = None,
    actor,
    now: datetime,
) -> tuple[Payment, bool]:
    """The partner (or a supervisor) reports a bank payment of the order; (the payment,
    True when recorded now).

    Idempotent by `reference` within the project: the same reference with the same order,
    amount, currency and time answers with the payment recorded before (nothing written);
    with anything else DuplicateReference (409). NotFound for an order outside the
    caller's projects, Forbidden without the `payments` right (an operator, a token
    without the scope). RuleViolations (422, nothing written) for a bad amount, another
    currency, a time in the future, no reference (X-5, X-10), a project whose playbook
    has no `paid` status, an order already paid (DUN-1).

    On success the order is paid (the playbook's `paid` status, paid amount, payment
    status), leaves the worklist at once (no queue, no due time, no claim) and nothing
    puts it back: the playbook's triggers match unpaid statuses only. The payment is
    attributed to the operator who worked the order last before it (DUN-9), the timeline
    says so, and the changes feed gets a `paid` row.

    A cancelled order (DUN-4/8: refused, exhausted) still takes the payment: the money is
    in the bank, so the order is paid after all (the timeline shows "Cancelled → Paid";
    the payment keeps the status it had); DUN-9 attributes it like any other."""
    order = lock_order(order_id=order_id, actor=actor, action=PAYMENTS)
    project = order.project
    currency = rules.normal_currency(currency, project.currency)
    reference = rules.normal_reference(reference)
    found = rules.check_payment(
        amount=amount,
        currency=currency,
        expected_currency=project.currency,
        paid_at=paid_at,
        reference=reference,
        now=now,
    )
    if found:
        raise RuleViolations(found)
    amount = money(amount)
    reported = rules.PaymentFact(order.pk, amount, currency, paid_at)
    stored = Payment.objects.filter(project=project, reference=reference).first()
    if stored is not None:
        return _same_or_conflict(stored, reported)

    pb = playbook_def(project.playbook)
    paid_status = pb.statuses.get(PAID)
    found = rules.check_order_takes_payment(
        paid_group=paid_status.group if paid_status else None,
        status_group=order.status_group,
        paid_before=Payment.objects.filter(order=order).exists(),
    )
    if found:
        raise RuleViolations(found)

    operator, last = _attributed(order, paid_at)
    old_status = order.status
    payment = _payment(order, reported, reference, operator, last, actor=actor, now=now)
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin leaves ours usable
            payment.save(force_insert=True)
    except IntegrityError:
        stored = Payment.objects.filter(project=project, reference=reference).first()
        if stored is None:
            raise
        return _same_or_conflict(stored, reported)

    order.status, order.status_group, order.problem = paid_status.code, paid_status.group, ""
    _mark_paid(order, amount, ["status", "status_group", "problem"], now=now)
    _record_paid(order, payment, operator, old_status, pb, actor=actor, now=now)
    return payment, True


def _attributed(order: Order, paid_at: datetime):
    """DUN-9: (the person, the work) the payment is attributed to, or (None, None)."""
    last = rules.attribute(work_before(order, before=paid_at), paid_at)
    if last is None:
        return None, None
    return get_user_model().objects.filter(pk=last.operator_id).first(), last


def _payment(
    order: Order, fact: rules.PaymentFact, reference: str, operator, last, *, actor, now
) -> Payment:
    return Payment(
        project=order.project,
        order=order,
        amount=fact.amount,
        currency=fact.currency,
        paid_at=fact.paid_at,
        reference=reference,
        attributed_to=operator,
        attributed_kind=last.kind if last else "",
        attributed_at=last.at if last else None,
        status_before=order.status,
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
    )


def _mark_paid(order: Order, amount: Decimal, written: list[str], *, now: datetime) -> None:
    """The order is paid: out of the worklist, unclaimed, the amount added (DUN-1)."""
    order.claimed_by, order.claimed_at = None, None
    order.paid_amount = money(order.paid_amount + amount)
    order.payment_status = PAID
    written = [
        *written,
        *apply_route(order, LEAVES_WORK),
        "claimed_by",
        "claimed_at",
        "paid_amount",
        "payment_status",
    ]
    bump_version(order, now, list(dict.fromkeys(written)))


# --- a supervisor confirms a payment --------------------------------------------------------


def outstanding(order: Order) -> Decimal:
    """What the customer still owes: the order's total less what was paid (0 at least)."""
    return max(money(order.total - order.paid_amount), money(0))


def confirmed_reference(order: Order) -> str:
    """The reference of a confirmation without the bank's own (one per order)."""
    return f"confirmed:{order.pk}"


@transaction.atomic
def payment_confirm(
    *,
    order_id: int,
    comment: str,
    amount: Decimal | None = None,
    reference: str = "",
    actor,
    now: datetime,
) -> Payment:
    """A supervisor confirms the customer's payment from the proof (the playbook's `paid`
    outcome, DUN-5) — and the payment is recorded as one the partner reports is (DUN-9):
    attributed to the last person who worked the order before it, counted in "payments
    after calls" for them, the order paid and out of the worklist at once.

    `amount`: what was paid, the outstanding amount when not given; `reference`: the
    bank's, else `confirmed:<order id>`. Refused with every reason at once (422, nothing
    written): the payment's (X-5, X-10), the order's (DUN-1: paid already), and then the
    outcome's (a supervisor only, a comment in Russian, DUN-6). NotFound outside the
    caller's projects, Forbidden for an operator."""
    order = lock_order(order_id=order_id, actor=actor, action=PAYMENTS)
    project = order.project
    amount = outstanding(order) if amount is None else amount
    reference = rules.normal_reference(reference) or confirmed_reference(order)
    found = rules.check_payment(
        amount=amount,
        currency=project.currency,
        expected_currency=project.currency,
        paid_at=now,
        reference=reference,
        now=now,
    )
    pb = playbook_def(project.playbook)
    paid_status = pb.statuses.get(PAID)
    found += rules.check_order_takes_payment(
        paid_group=paid_status.group if paid_status else None,
        status_group=order.status_group,
        paid_before=Payment.objects.filter(order=order).exists(),
    )
    if Payment.objects.filter(project=project, reference=reference).exists():
        found.append(duplicate_violation())
    if rules.CONFIRM_OUTCOME not in pb.outcomes and not found:
        found.append(
            violation(rules.ORDER_RULE, "order", "This project's playbook has no paid status.")
        )
    if found:
        raise RuleViolations(found)
    operator, last = _attributed(order, now)  # before the confirmation's own audit row
    status_before = order.status
    order = order_apply_outcome(
        order_id=order.pk, actor=actor, code=rules.CONFIRM_OUTCOME, comment=comment, now=now
    )
    amount = money(amount)
    fact = rules.PaymentFact(order.pk, amount, project.currency, now)
    payment = _payment(order, fact, reference, operator, last, actor=actor, now=now)
    payment.status_before = status_before
    payment.save(force_insert=True)
    _mark_paid(order, amount, [], now=now)
    _record_paid(order, payment, operator, "", pb, actor=actor, now=now, status_line=False)
    return payment


def _record_paid(
    order: Order,
    payment: Payment,
    operator,
    old_status: str,
    pb,
    *,
    actor,
    now,
    status_line: bool = True,
):
    """X-6: "Payment received: 1 234,50 ₽ (ref …), attributed to op1" (an automatic line,
    translated when read) and the status line (unless the outcome that paid the order
    wrote it: a supervisor's confirmation); the audit row; the changes feed's `paid`."""
    data = {
        "payment": payment.pk,
        "amount": display_money(payment.amount, payment.currency),
        "reference": payment.reference,
        "paid_at": payment.paid_at.isoformat(),
        "operator": operator.get_username() if operator else "",
    }
    text = (
        N_("Payment received: %(amount)s (ref %(reference)s), attributed to %(operator)s")
        if operator
        else N_("Payment received: %(amount)s (ref %(reference)s), not after calls")
    )
    old = pb.statuses.get(old_status)
    new = pb.statuses[order.status]
    lines = [Line(text, data, kind="auto")]
    if status_line:
        lines.append(
            Line(
                f"{old.names.ru if old else old_status} → {new.names.ru}",
                {"from": old_status, "to": new.code, "payment": payment.pk},
            )
        )
    record(
        Event.PAID,
        order=order,
        actor=actor,
        now=now,
        lines=lines,
        changes={
            **data,
            "amount": format_money(payment.amount),
            "currency": payment.currency,
            "status": [payment.status_before, new.code],
        },
    )


# --- many payments at once ----------------------------------------------------------------


@dataclass(frozen=True)
class PaymentItem:
    """One payment of a bulk report, naming its order by the partner's id (X-10)."""

    external_id: str
    amount: Decimal
    paid_at: datetime
    reference: str
    currency: str | None = None


@dataclass
class ItemResult:
    external_id: str
    result: str  # "created", "existing", "refused"
    payment: Payment | None = None
    errors: list[Violation] = field(default_factory=list)


def payments_report_many(
    *, project, items: Sequence[PaymentItem], actor, now: datetime
) -> list[ItemResult]:
    """Bulk report: each payment recorded by `payment_report` in its own transaction, so
    one bad item never blocks the others; a result for each, in the order given. Access
    is checked once for the whole request (404/403 raise)."""
    ensure_can(actor, project, PAYMENTS)
    order_ids = dict(
        Order.objects.filter(
            project=project, external_id__in={i.external_id for i in items}
        ).values_list("external_id", "pk")
    )
    results = []
    for item in items:
        order_id = order_ids.get(item.external_id)
        if order_id is None:
            problem = violation(
                rules.INPUT_RULE, "external_id", "No order of the project has this external_id."
            )
            results.append(ItemResult(item.external_id, "refused", errors=[problem]))
            continue
        try:
            payment, created = payment_report(
                order_id=order_id,
                amount=item.amount,
                paid_at=item.paid_at,
                reference=item.reference,
                currency=item.currency,
                actor=actor,
                now=now,
            )
        except RuleViolations as exc:
            results.append(ItemResult(item.external_id, "refused", errors=exc.violations))
            continue
        except DuplicateReference:
            problem = duplicate_violation()
            results.append(ItemResult(item.external_id, "refused", errors=[problem]))
            continue
        results.append(
            ItemResult(item.external_id, "created" if created else "existing", payment=payment)
        )
    return results


def duplicate_violation() -> Violation:
    return violation(
        rules.INPUT_RULE,
        "reference",
        "This reference is already used by another payment with other data.",
    )
