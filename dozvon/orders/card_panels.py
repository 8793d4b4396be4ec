"""What a playbook's plug-in adds to the order card (issue 26): its panels and the named
outcomes it saves in its own way. A plug-in registers them at `plugins.CARD_PANELS` and
`plugins.OUTCOMES` (dozvon.core.plugins); the card (`web/card_context.py`, `web/card.py`)
and the API ask for the parts of the order's playbook — never "is this DUN?".

A panel is a block the card renders in one of its slots with `{% include panel.template %}`;
what its `context` returns is put in the card's context under the panel's `name` (so the
template reads `dun.panel`, `promo.total`…). Besides its block, a panel may say what the
card does differently for its playbook: the edit form's fields, the choices and widgets
of an outcome's fields, where the operator goes after saving a result, its stylesheets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dozvon.core import plugins

# the card's slots, where a panel's block is rendered
TOP = "top"  # above the customer, the first thing on the card (DUN's payment panel)
ITEMS = "items"  # under the items and their totals (SUB-5's special discount)
SLOTS = (TOP, ITEMS)


@dataclass(frozen=True)
class CardFacts:
    """What the card has read already, handed to a panel's `context`: the moment, the
    order's items, the refusal shown (its messages by field) and the form it belongs to
    (a panel's `key` when the refusal came from the panel)."""

    now: datetime
    items: list
    errors: Mapping[str, list[str]]
    open_form: str


@dataclass(frozen=True)
class CardPanel:
    """A block of the order card a plug-in supplies.

    name      the key of its context in the card's context (one per card)
    template  the template the card includes in `slot`
    context   (request, order, pb, facts: CardFacts) -> dict, or None to show nothing
    slot      TOP or ITEMS
    key       the card's name of the panel's own forms: a refusal sent back with this key
              is shown in the panel, not among the card's general messages
    styles    static stylesheets the card links while the panel is shown
    edit_fields  the customer and address form's fields the panel's work needs, when the
              playbook's `settings.edit_fields` names none (DUN-4)
    check_reasons  (outcome check) -> the reasons an outcome checked by it accepts, or
              None; used when the check lists no `allowed` reasons itself (DUN-5)
    outcome_field  (field spec, outcome, typed: bool) -> None: adjusts the spec of one of
              an outcome's fields (DUN-5: the days chosen from a list)
    after_save  the URL name (taking the project's `slug`) the operator goes back to after
              saving a result, instead of the next order of the queue (DUN-3: the worklist)
    """

    name: str
    template: str
    context: Callable[..., dict[str, Any] | None]
    slot: str = TOP
    key: str = ""
    styles: tuple[str, ...] = ()
    edit_fields: tuple[str, ...] = ()
    check_reasons: Callable[[Any], tuple[str, ...] | None] | None = None
    outcome_field: Callable[[dict, Any, bool], None] | None = None
    after_save: str = ""


@dataclass(frozen=True)
class OutcomeHandler:
    """A named outcome a plug-in saves in its own way instead of `order_apply_outcome`
    (DUN-5/9: `paid` is a confirmed payment, recorded and credited). `save(order_id=,
    actor=, args=, now=)` takes the outcome's parsed arguments as `order_apply_outcome`
    does (code, problem, comment, callback_at, fields, inputs) and refuses with
    RuleViolations."""

    code: str
    save: Callable[..., Any]


def card_panels(pb) -> list[CardPanel]:
    """The panels of the playbook's plug-in, in their registration order."""
    return [p for p in plugins.for_playbook(plugins.CARD_PANELS, pb) if isinstance(p, CardPanel)]


def outcome_handlers(pb) -> dict[str, Callable[..., Any]]:
    """The playbook's own outcome savers by outcome code (none for most playbooks)."""
    return {
        h.code: h.save
        for h in plugins.for_playbook(plugins.OUTCOMES, pb)
        if isinstance(h, OutcomeHandler)
    }


def handled_outcomes() -> frozenset[str]:
    """Every outcome code some plug-in saves its own way: only for these does a caller read
    the order's playbook before saving (the service checks access as it locks the order)."""
    return frozenset(
        h.code for h in plugins.items(plugins.OUTCOMES) if isinstance(h, OutcomeHandler)
    )
