"""Parsing of workspace forms into service arguments; a bad value becomes a violation
on its field, like any rule (X-7), so the operator sees it where they typed."""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from dozvon.core import clock
from dozvon.core.errors import Violation, violation
from dozvon.core.form_values import parse_day as parse_day
from dozvon.core.form_values import parse_discount as parse_discount
from dozvon.core.form_values import parse_int as parse_int
from dozvon.core.money import format_money
from dozvon.history.words import PAYMENT_LABELS as PAYMENT_LABELS
from dozvon.playbooks.fields import (
    ADDRESS_LABELS,
    ADDRESS_PARTS,
    ALL_ADDRESS_PARTS,
    BY_NAME,
    FieldDecl,
    Kind,
    Store,
    declared,
    outcome_inputs,
)

# a value that does not parse says the format expected, naming the field
BAD_VALUE: dict[Kind, str] = {
    Kind.DATE: N_("The field «%(label)s»: enter the date as dd.mm.yyyy."),
    Kind.DATETIME: N_("The field «%(label)s»: enter the date and time as dd.mm.yyyy hh:mm."),
    Kind.TIME: N_("The field «%(label)s»: enter the time as hh:mm."),
    Kind.MONEY: N_("The field «%(label)s»: enter an amount, e.g. 350 or 350,50."),
    Kind.INTEGER: N_("The field «%(label)s»: enter a whole number."),
}


def bad_value(decl: FieldDecl) -> Violation:
    """The refusal of a value that does not parse as its field's kind (X-7)."""
    message = BAD_VALUE.get(decl.kind, "The field «%(label)s»: enter a valid value.")
    return violation("input", decl.name, message, label=decl.label)


def _parse(decl: FieldDecl, post, name: str):
    """One declared field from a form (ValueError when it does not parse); None when the
    operator left it empty."""
    if decl.kind == Kind.ADDRESS:
        parts = {p: (post.get(f"{name}.{p}") or "").strip() for p in ALL_ADDRESS_PARTS}
        return {k: v[:300] for k, v in parts.items() if v} or None
    if decl.kind == Kind.PHONES:
        raw = post.get(name) or ""
        phones = [p.strip() for p in raw.replace(";", ",").replace("\n", ",").split(",")]
        return [p[: decl.max_length] for p in phones if p][:10] or None
    if decl.kind == Kind.BOOL:
        return True if post.get(name) in {"on", "true", "1"} else None
    raw = (post.get(name) or "").strip()
    if not raw:
        return None
    if decl.kind == Kind.DATE:
        value = parse_day(raw)
        if not 2000 <= value.year <= 2099:
            raise ValueError(raw)
        return value
    if decl.kind == Kind.TIME:
        value = time.fromisoformat(raw.replace(".", ":").zfill(5))
        if value.tzinfo is not None:  # a local clock time; "14:30Z" is not one
            raise ValueError(raw)
        return value
    if decl.kind == Kind.INTEGER:
        value = int(raw)
        if not 0 <= value < 10 ** (decl.max_length or 9):
            raise ValueError(raw)
        return value
    if decl.kind == Kind.MONEY:
        try:
            return Decimal(raw.replace(",", ".").replace(" ", ""))
        except InvalidOperation as exc:
            raise ValueError(raw) from exc
    if decl.max_length and len(raw) > decl.max_length:
        raise ValueError(raw)
    return raw


def parse_fields(post, decls) -> tuple[dict[str, Any], list[Violation]]:
    """The declared fields present in a form, parsed by their kind (playbooks/fields.py)."""
    fields: dict[str, Any] = {}
    found: list[Violation] = []
    for decl in decls:
        try:
            value = _parse(decl, post, decl.name)
        except ValueError:
            found.append(bad_value(decl))
            continue
        if value is not None:
            fields[decl.name] = value
    return fields, found


def parse_outcome(post, tz: str) -> tuple[dict[str, Any], list[Violation]]:
    """Outcome form → keyword arguments for `order_apply_outcome` (without ids). A
    result's own inputs besides problem, comment and callback time are the engine's
    (DUN-5) and the plug-ins' (playbooks.fields), read as declared now: the service refuses
    one that the order's playbook does not know."""
    fields, found = parse_fields(post, declared(Store.ORDER, outcome=True))
    inputs, bad_inputs = parse_fields(post, outcome_inputs())
    found += bad_inputs
    callback_at = None
    text = (post.get("callback_at") or "").strip()
    if text:
        try:
            moment = parse_moment(text)
            callback_at = moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))
            if not clock.is_sane(callback_at):
                raise ValueError(text)
        except ValueError:
            callback_at = None
            found.append(bad_value(BY_NAME["callback_at"]))
    args = {
        "code": (post.get("code") or "").strip(),
        "problem": (post.get("problem") or "").strip(),
        "comment": (post.get("comment") or "").strip(),
        "callback_at": callback_at,
        "fields": fields,
        "inputs": inputs,
    }
    return args, found


WIDGETS = {
    Kind.LONG_TEXT: "textarea",
    Kind.DATE: "day",  # typed as 27.11.2026 whatever the browser's language
    Kind.DATETIME: "moment",  # 27.11.2026 14:30
    Kind.TIME: "clock",  # 14:30, 24-hour
    Kind.ADDRESS: "address",
    Kind.BOOL: "checkbox",
    Kind.CODE: "select",
    Kind.MONEY: "text",
    Kind.INTEGER: "number",
    Kind.EMAIL: "email",
    Kind.PHONE: "tel",
}


def form_values(obj, decls) -> dict[str, str]:
    """What the form shows for declared fields of an order or a customer, as a form posts
    them back (an address as `name.part` keys)."""
    out: dict[str, str] = {}
    for decl in decls:
        value = getattr(obj, decl.name, None)
        if decl.kind == Kind.ADDRESS:
            out.update({f"{decl.name}.{p}": (value or {}).get(p, "") for p in ALL_ADDRESS_PARTS})
        elif decl.kind == Kind.PHONES:
            out[decl.name] = ", ".join(value or [])
        elif decl.kind == Kind.DATE:
            out[decl.name] = value.strftime("%d.%m.%Y") if value else ""
        elif decl.kind == Kind.TIME:
            out[decl.name] = value.strftime("%H:%M") if value else ""
        elif decl.kind == Kind.BOOL:
            out[decl.name] = "on" if value else ""
        elif decl.kind == Kind.MONEY and value is not None:
            out[decl.name] = format_money(value, decimal_mark=",")  # as typed: 350,00
        else:
            out[decl.name] = "" if value is None else str(value)
    return out


def field_spec(
    decl: FieldDecl, values, *, choices=(), errors=(), required=False, parts=ADDRESS_PARTS
) -> dict:
    """What the template `web/_field.html` needs to draw a declared field: its label, a
    widget from its kind, the choices of a list, the value typed or stored, its errors."""
    spec = {
        "name": decl.name,
        "label": _(decl.label),
        "required": required,
        "errors": [error_parts(e) for e in errors],
        "value": values.get(decl.name, ""),
        "widget": WIDGETS.get(decl.kind, "text"),
        "max_length": decl.max_length,
        "choices": list(choices),
    }
    if decl.kind == Kind.ADDRESS:
        spec["parts"] = [
            {
                "name": f"{decl.name}.{p}",
                "label": _(ADDRESS_LABELS[p]),
                "value": values.get(f"{decl.name}.{p}", ""),
            }
            for p in parts
        ]
    return spec


# "Поле «Причина» обязательно. (DUN-4)": the card's refusals carry their rule ID last
_RULE_AT_END = re.compile(r"^(?P<text>.*\S)\s+\((?P<rule>[A-Z]+-\d+[a-z]?|input)\)$", re.S)


def error_parts(error: str) -> dict[str, str]:
    """A refusal as the field shows it: the message, and its rule ID apart to be shown
    small beside it (X-7); "input" (a value that does not parse) is no rule to show."""
    found = _RULE_AT_END.match(str(error))
    if found is None:
        return {"text": str(error), "rule": ""}
    rule = found["rule"]
    return {"text": found["text"], "rule": "" if rule == "input" else rule}


def parse_edit(post, decls) -> tuple[dict[str, Any], list[Violation]]:
    """An edit form of declared fields: every field the form shows is sent, and an empty
    one clears the stored value (unlike a result form, where empty means "not given")."""
    present = [
        d
        for d in decls
        if d.name in post
        or any(k.startswith(f"{d.name}.") for k in post)
        or (d.kind == Kind.BOOL and f"{d.name}__shown" in post)
    ]
    fields, found = parse_fields(post, present)
    for d in present:
        if d.name not in fields and not any(v.field == d.name for v in found):
            fields[d.name] = _EMPTY.get(d.kind, "")
    return fields, found


_EMPTY: dict[Kind, Any] = {
    Kind.ADDRESS: {},
    Kind.PHONES: [],
    Kind.BOOL: False,
    Kind.DATE: None,
    Kind.TIME: None,
    Kind.MONEY: None,
}


def parse_moment(text: str) -> datetime:
    """A moment as typed (27.11.2026 14:30) or ISO (2026-11-27T14:30); naive."""
    text = " ".join(text.replace("T", " ").split())
    day, _, clock_text = text.partition(" ")
    if not clock_text:
        raise ValueError(text)
    at = time.fromisoformat(clock_text.replace(".", ":").zfill(5)[:8])
    return datetime.combine(parse_day(day), at)
