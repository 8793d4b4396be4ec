"""DUN on the order card (issue 14, registered at `plugins.CARD_PANELS` and
`plugins.OUTCOMES`): the payment panel above the customer — week of work, bonus tier and
units, emails and calls, the emails' and the confirmation's refusals (DUN-2, DUN-4, DUN-5)
— and what the card does differently for this playbook: DUN-4's edit fields, DUN-5's
postponement reasons and days from a list, the worklist after a saved result (DUN-3),
and `paid` saved as a confirmed payment (DUN-5, DUN-9)."""

from __future__ import annotations

from typing import Any

from dozvon.dunning import selectors as sel
from dozvon.dunning.rules import POSTPONE_REASONS
from dozvon.orders.card_panels import TOP, CardFacts, CardPanel, OutcomeHandler
from dozvon.payments.rules import CONFIRM_OUTCOME
from dozvon.payments.services import payment_confirm

PANEL = "__dun__"  # the card's key of the DUN panel: a refusal there reopens it
POSTPONE_CHECK = "postpone_rules"  # DUN-5's check (dozvon.playbooks' check table)

# DUN-4: the phone, the email, the payer's and the recipient's address (and the name)
DUN_EDIT = (
    "surname",
    "first_name",
    "patronymic",
    "phone",
    "email",
    "extra_phones",
    "payer_address",
    "recipient_address",
)


def panel_context(request, order, pb, facts: CardFacts) -> dict[str, Any] | None:
    """The DUN panel (DUN-2, DUN-4): week, tier, units, the emails' refusals."""
    if not sel.is_dunning(pb):
        return None
    panel = sel.order_panel(order, now=facts.now, items=facts.items)
    return {
        "panel": panel,
        "errors": [m for msgs in facts.errors.values() for m in msgs]
        if facts.open_form == PANEL
        else [],
        "percents": panel.bonus.allowed,
        "contacts": panel.emails + panel.calls,
        "worklist": sel.WORKLIST,
    }


def postpone_reasons(check) -> tuple[str, ...] | None:
    """DUN-5: an outcome checked by `postpone_rules` takes the postponement's reasons."""
    return tuple(POSTPONE_REASONS) if check.name == POSTPONE_CHECK else None


def postpone_days(outcome) -> tuple[int, int] | None:
    """DUN-5: (default days, most days) of an outcome checked by `postpone_rules`: its
    days are chosen from a list, the default preselected."""
    for check in outcome.checks if outcome is not None else ():
        if check.name == POSTPONE_CHECK:
            return int(check.params.get("default_days", 7)), int(
                check.params.get("other_max_days", 21)
            )
    return None


def days_select(spec: dict, outcome, typed: bool) -> None:
    """DUN-5: the `days` of a postponement from a list, 7 preselected unless typed."""
    bounds = postpone_days(outcome)
    if spec["name"] != "days" or bounds is None:
        return
    default, most = bounds
    spec["widget"] = "select"
    spec["choices"] = [(str(n), str(n)) for n in range(1, most + 1)]
    if not typed:
        spec["value"] = str(default)


def paid_save(*, order_id: int, actor, args: dict[str, Any], now) -> None:
    """DUN-9: a confirmed payment is recorded and credited, not only a status."""
    payment_confirm(order_id=order_id, comment=args.get("comment") or "", actor=actor, now=now)


DUN_PANEL = CardPanel(
    name="dun",
    template="dunning/_panel.html",
    context=panel_context,
    slot=TOP,
    key=PANEL,
    styles=("web/dun.css",),
    edit_fields=DUN_EDIT,
    check_reasons=postpone_reasons,
    outcome_field=days_select,
    after_save="dunning:worklist",
)

PAID = OutcomeHandler(code=CONFIRM_OUTCOME, save=paid_save)
