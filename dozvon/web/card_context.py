"""The order card's context: what the card template shows. The customer and the edit
form's fields (COD-12, X-3, DUN-4), the result forms derived from the playbook and the
field declarations with their hotkeys and choices, the panels of the playbook's plug-in
(dozvon.orders.card_panels: DUN's payment panel, SUB-5's special discount), the timeline
and the other orders; split from `dozvon.web.card`, which keeps the views and re-exports
every name defined here."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dozvon.calls.models import CallResult
from dozvon.catalog.models import Product
from dozvon.core import clock
from dozvon.core.phones import format_phone
from dozvon.customers.models import CustomerType, Gender
from dozvon.delivery.models import DeliveryMethod
from dozvon.delivery.selectors import delivery_list_groups, is_short_window, window_rule
from dozvon.orders import selectors as order_sel
from dozvon.orders.card_panels import SLOTS, CardFacts, CardPanel, card_panels
from dozvon.orders.claims import claim_idle
from dozvon.playbooks.fields import (
    ADDRESS_LABELS,
    ALL_ADDRESS_PARTS,
    BY_NAME,
    Store,
    address_parts,
    declared,
    writable_by,
)
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import (
    WORK,
    has_role,
    is_supervising,
    may,
    projects_for,
    role_of,
)
from dozvon.queues.tabs import queue_tabs
from dozvon.web.forms import PAYMENT_LABELS, field_spec, form_values
from dozvon.web.loop import auto_next_on, came_from

# COD-12, X-3: what the operator checks and fills on the card, with the delivery address.
CARD_CUSTOMER = tuple(
    BY_NAME[n]
    for n in ("surname", "first_name", "patronymic", "gender", "email", "extra_phones", "type")
)
EDIT = "__edit__"
DELIVERY_EDIT = "__delivery__"  # the delivery and payment form (SHOP-7)
ITEM = "__item__"  # a refused "add a secondary product" (COD-11)
DEFAULT_EDIT = (*CARD_CUSTOMER, BY_NAME["delivery_address"])
# Alt+<key> opens a result: digits first, then letters (never T or N: take next, no answer)
HOTKEYS = (*"123456789", "0", *"QWERYUIOPASDFGHJKL")


def _model_choices(decl) -> list[tuple[str, str]]:
    if decl.choices == "genders":
        return [(c, str(label)) for c, label in Gender.choices]
    if decl.choices == "customer_types":
        return [(c, str(label)) for c, label in CustomerType.choices]
    return []


def reasons_of(outcome, panels: Sequence[CardPanel] = ()) -> list[str]:
    """The reasons an outcome accepts: the `allowed` of its check on `reason`, else the
    ones a panel of the playbook's plug-in names for one of its checks (DUN-5)."""
    for check in outcome.checks if outcome is not None else ():
        if check.params.get("field") == "reason" and check.params.get("allowed"):
            return list(check.params["allowed"])
        for panel in panels:
            found = panel.check_reasons(check) if panel.check_reasons else None
            if found is not None:
                return list(found)
    return []


def edit_decls(pb):
    """The fields the card's edit form shows: the playbook's `settings.edit_fields`, else
    the ones a panel of its plug-in needs (DUN-4), else the customer and the delivery
    address."""
    names = pb.settings.get("edit_fields") or next(
        (p.edit_fields for p in card_panels(pb) if p.edit_fields), ()
    )
    decls = tuple(
        BY_NAME[n]
        for n in names
        if n in BY_NAME and BY_NAME[n].edit and BY_NAME[n].store in (Store.CUSTOMER, Store.ORDER)
    )
    return decls or DEFAULT_EDIT


def delivery_decls(pb):
    """SHOP-7: the delivery and payment fields the card's second form shows (the
    playbook's `settings.delivery_fields`; none when it names none)."""
    return tuple(
        BY_NAME[n]
        for n in pb.settings.get("delivery_fields") or ()
        if n in BY_NAME and BY_NAME[n].edit and BY_NAME[n].store == Store.ORDER
    )


def delivery_facts(order, pb, method_name: str) -> dict:
    """SHOP-7: what the delivery department delivers, as the card shows it: every filled
    part of the address, the day and window (short or not, approved or not), method and
    cost, payment, the client and the notes."""
    address = order.delivery_address or {}
    start, end = order.delivery_time_from, order.delivery_time_to
    window = window_rule(pb)
    short = bool(window and is_short_window(start, end, window[1]))
    return {
        "address": [
            (_(ADDRESS_LABELS[p]), str(address[p]))
            for p in ALL_ADDRESS_PARTS
            if str(address.get(p) or "").strip()
        ],
        "date": order.delivery_date,
        "start": start,
        "end": end,
        "short": short,
        "approved": order.delivery_window_approved,
        "window_rule": window[0] if window else "",
        "window_hours": f"{window[1]:g}" if window else "",
        "method": method_name,
        "payment_method": _(PAYMENT_LABELS.get(order.payment_method, order.payment_method))
        if order.payment_method
        else "",
        "note": order.delivery_note,
        "customer_comment": order.customer.customer_comment,
        "operator_comment": order.customer.operator_comment,
    }


def shown_panels(request, order, pb, panels: Sequence[CardPanel], facts: CardFacts):
    """The panels of the playbook's plug-in that have something to show, by slot, with
    their contexts by name and the stylesheets they need."""
    slots: dict[str, list[CardPanel]] = {slot: [] for slot in SLOTS}
    contexts: dict[str, dict] = {}
    for panel in panels:
        data = panel.context(request, order, pb, facts)
        if data is None:
            continue
        slots.setdefault(panel.slot, []).append(panel)
        contexts[panel.name] = data
    styles = list(dict.fromkeys(s for ps in slots.values() for p in ps for s in p.styles))
    return slots, contexts, styles


def _choices(decl, pb, outcome, lang, project=None, panels=()) -> list[tuple[str, str]]:
    """The allowed values of a declared list field: the playbook's (problems of this
    outcome, payment methods) or the model's."""
    if decl.choices == "problems":
        return [(p, pb.problems[p].get(lang)) for p in outcome.problems]
    if decl.choices == "reasons":  # DUN-4/5: the reasons the outcome's checks accept
        allowed = reasons_of(outcome, panels)
        return [(r, pb.problems[r].get(lang) if r in pb.problems else r) for r in allowed]
    if decl.choices == "delivery_methods":
        return [
            (m.code, m.name(lang))
            for m in DeliveryMethod.objects.filter(project=project, is_active=True)
        ]
    if decl.choices == "payment_methods":
        return [(m, _(PAYMENT_LABELS.get(m, m))) for m in pb.payment_methods]
    return []


def card_context(request, order, *, errors=None, values=None, open_outcome=""):
    now = clock.now()
    project = order.project
    pb = playbook_def(project.playbook)
    lang = get_language()
    tz = project.time_zone
    errors = errors or {}
    panels = card_panels(pb)
    parts = address_parts(pb.settings)
    # the main number first: the «extra» tag follows the numbers it labels
    phones = sorted(order.customer.phones.all(), key=lambda p: not p.is_main)
    editable = edit_decls(pb)
    stored = {
        **form_values(order, declared(Store.ORDER, outcome=True)),
        **form_values(order.customer, CARD_CUSTOMER),
        **form_values(order.customer, [d for d in editable if d.store == Store.CUSTOMER]),
        "extra_phones": ", ".join(format_phone(p.phone) for p in phones if not p.is_main),
    }
    typed = dict(values or {})
    # what a refused form showed comes back to that form only; the others show the order
    values = typed if typed and open_outcome in pb.outcomes else stored
    edit_values = typed if open_outcome in (EDIT, DELIVERY_EDIT) else stored
    role = role_of(request.user, project)
    may_work = may(request.user, project, role, WORK)
    outcomes = [
        {
            "code": o.code,
            "name": o.names.get(lang),
            "rule": o.rule,
            "group": pb.statuses[o.status].group,
            "fields": [
                field_spec(
                    BY_NAME[f],
                    values
                    if open_outcome == o.code
                    else {k: v for k, v in values.items() if k != "comment"},
                    choices=_choices(BY_NAME[f], pb, o, lang, project, panels),
                    errors=(errors if open_outcome == o.code else {}).get(f, []),
                    required=f in o.requires,
                    parts=parts,
                )
                for f in pb.form_fields(o)
            ],
        }
        for o in pb.outcomes.values()
        if has_role(request.user, project, o.roles)
    ]
    for outcome, key in zip(outcomes, HOTKEYS, strict=False):
        outcome["hotkey"] = key
        for spec in outcome["fields"]:  # e.g. DUN-5: days from a list, 7 preselected
            typed_here = open_outcome == outcome["code"] and bool(values.get(spec["name"]))
            for panel in panels:
                if panel.outcome_field:
                    panel.outcome_field(spec, pb.outcomes[outcome["code"]], typed_here)
    groups = [
        {"name": names.get(lang), "outcomes": [o for o in outcomes if o["group"] == code]}
        for code, names in pb.groups.items()
    ]
    used = {
        f
        for spec in outcomes
        if spec["code"] == open_outcome
        for f in [x["name"] for x in spec["fields"]]
    }
    # a refused edit or item shows its messages next to the fields its form shows, not
    # twice; a message on a field the form does not show stays with the general ones
    used |= {
        EDIT: {d.name for d in editable if may_work and writable_by(d, role)},
        DELIVERY_EDIT: {d.name for d in delivery_decls(pb) if writable_by(d, role)},
        ITEM: {"sku", "quantity", "discount_percent"},
    }.get(open_outcome, set())
    # a refusal from a panel's own form is shown in the panel
    in_panel = open_outcome in {p.key for p in panels if p.key}
    general = [
        m
        for field, msgs in errors.items()
        if field not in used | {"calls"} and not in_panel
        for m in msgs
    ]
    items = list(order.items.all())
    facts = CardFacts(now=now, items=items, errors=errors, open_form=open_outcome)
    slots, panel_contexts, panel_styles = shown_panels(request, order, pb, panels, facts)
    method_name = dict(_choices(BY_NAME["delivery_method"], pb, None, lang, project)).get(
        order.delivery_method, order.delivery_method
    )
    delivery_form = [
        field_spec(
            d,
            edit_values,
            choices=_choices(d, pb, None, lang, project),
            errors=(errors if open_outcome == DELIVERY_EDIT else {}).get(d.name, []),
        )
        for d in delivery_decls(pb)
        if writable_by(d, role)
    ]
    reader = order_sel.order_history_reader(order, pb)  # one order's facts, read once
    timeline = [
        {"entry": e, "text": order_sel.timeline_text(e, pb, reader)}
        for e in order_sel.order_timeline(order)
    ]
    status_names = {s.code: s.names.get(lang) for s in pb.statuses.values()}
    context = {
        "order": order,
        "project": project,
        "projects": projects_for(request.user).order_by("name"),
        "customer": order.customer,
        "phones": phones,
        "other_orders": [
            {"order": o, "status": status_names.get(o.status, o.status)}
            for o in order_sel.order_other_orders(order)[:20]
        ],
        "items": items,
        "products": Product.objects.filter(project=project, is_active=True).order_by("name"),
        "card_tools": pb.card_tools,
        "closing_script": order_sel.closing_script(order),
        "timeline": timeline,
        "queue": next(
            (
                q.names.get(lang)
                for q in pb.queues
                if q.code == order_sel.order_queue_code(order, now=now)
            ),
            None,
        ),
        "status_name": status_names.get(order.status, order.status),
        "problem_name": pb.problems[order.problem].get(lang)
        if order.problem in pb.problems
        else order.problem,
        "call_results": CallResult.choices,
        "outcomes": outcomes,
        "outcome_groups": [g for g in groups if g["outcomes"]],
        "open_outcome": open_outcome,
        "errors": errors,
        "general_errors": general,
        "call_errors": errors.get("calls", []),
        "claimed_by_me": order.claimed_by_id == request.user.pk,
        "edit_fields": [
            field_spec(
                d,
                edit_values,
                choices=_model_choices(d),
                errors=(errors if open_outcome == EDIT else {}).get(d.name, []),
                parts=parts,
            )
            for d in editable
            if writable_by(d, role)
        ]
        if may_work
        else [],
        "edit_open": open_outcome == EDIT,
        # SHOP-7: the delivery and payment data, and the fields of it this role may write
        "delivery": delivery_facts(order, pb, method_name)
        if delivery_decls(pb) or order.delivery_address or order.delivery_method
        else None,
        "delivery_form": delivery_form,
        "delivery_list": bool(delivery_list_groups(pb)),
        "delivery_open": open_outcome == DELIVERY_EDIT,
        # a role sees only the controls it may use (issue 23): calls, items, comments,
        # edits and giving back are work (projects/access.py)
        "may_work": may_work,
        # COD-11: a refused item keeps the product, quantity and discount chosen
        "item": {
            "sku": typed.get("sku", ""),
            "quantity": typed.get("quantity", "1"),
            "discount_percent": typed.get("discount_percent", "0"),
        }
        if open_outcome == ITEM
        else {"sku": "", "quantity": "1", "discount_percent": "0"},
        "closed": bool(getattr(pb.statuses.get(order.status), "final", False)),
        "may_reopen": is_supervising(request.user, project),
        "delivery_method_name": method_name,
        "split_line": "entrance" in parts,  # SHOP-7: one line, then split into fields
        "claim_idle_s": int(claim_idle(project).total_seconds()),
        "came_from": came_from(request, pb),
        "auto_next": auto_next_on(request),
        "one_key_no_answer": bool(pb.settings.get("failed_call_outcome")),
        "queues": queue_tabs(project, now, request.user),
        "local_tz": ZoneInfo(tz),
        # DUN-7/X-8: the caller lines a call is made from
        "caller_lines": tuple(pb.settings.get("caller_lines", ())),
        # the plug-in's panels (DUN's payment panel, SUB-5's special discount), by slot;
        # each one's context under its name
        "panels": slots,
        "panel_styles": panel_styles,
    }
    for name, data in panel_contexts.items():
        if name in context:
            raise ValueError(f"a card panel's name is one of the card's own: {name!r}")
        context[name] = data
    return context
