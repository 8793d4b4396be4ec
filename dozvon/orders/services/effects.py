"""The playbook's effects (issue 11), applied to an order an outcome or a trigger changes:
written through the same recipe as every order change (fields with `bump_version`, one
timeline line per automatic action, one audit row). The order's own effects (a due date,
a queue, a status, a cancellation, a mark) are here; an effect of an app above the order
services (messaging's `send_message`, X-9) is registered at the EFFECTS extension point
(`dozvon.core.plugins`): `apply(order, effect, *, pb, now, written, actor, reason, cause)`
changes the order, appends the fields it wrote to `written` and says what it did (a
message id and its data) or None."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext_noop as N_

from dozvon.core import plugins
from dozvon.orders.models import Order
from dozvon.orders.services.base import apply_route, bump_version
from dozvon.orders.services.events import Event, Line, record
from dozvon.playbooks.automation_def import EffectDef
from dozvon.playbooks.definition import PlaybookDef
from dozvon.playbooks.engine import RouteDecision
from dozvon.playbooks.selectors import playbook_def

# what an effect did: the timeline line's message id and its data; None: nothing to do
Applied = tuple[str, dict] | None


def effects_apply(
    *,
    order: Order,
    effects: Iterable[EffectDef],
    actor=None,
    reason: str,
    now: datetime,
    event: Event = Event.EFFECT,
    cause: Mapping[str, str] | None = None,
    pb: PlaybookDef | None = None,
) -> list[Line]:
    """Apply `effects` to `order` (locked by the caller, inside its transaction) because of
    `reason` (the SPEC rule); the timeline lines written, one per action that changed
    something. `cause` names what caused it ({"outcome": …} or {"trigger": …})."""
    effects = tuple(effects)
    if not effects:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("effects_apply runs in the caller's transaction on a locked order")
    pb = pb or playbook_def(order.project.playbook)
    cause = dict(cause or {})
    written: list[str] = []
    lines = []
    for effect in effects:
        # who and why: a message needs them (X-9: the message's reason and idempotency)
        done = _applier(effect.kind)(
            order, effect, pb=pb, now=now, written=written, actor=actor, reason=reason, cause=cause
        )
        if done is not None:
            text, data = done
            lines.append(Line(text, {**data, "effect": effect.kind, "rule": reason, **cause}))
    if written:
        bump_version(order, now, written)
    if lines:
        record(
            event,
            order=order,
            actor=actor,
            now=now,
            lines=lines,
            changes={"rule": reason, **cause, "effects": [dict(line.data) for line in lines]},
        )
    return lines


# --- one function per effect kind: change the order, say what was done (or None) ----------


def _set_due(order, effect, *, pb, now, written, **_why):
    order.due_at = now + effect.delay
    written.append("due_at")
    local = order.due_at.astimezone(ZoneInfo(order.project.time_zone))
    return N_("Due again on %(due)s, set automatically (%(rule)s)"), {
        "due": f"{local:%d.%m.%Y %H:%M}"
    }


def _queue_name(pb: PlaybookDef, bucket: str) -> str:
    queue = next((q for q in pb.queues if q.bucket == bucket), None)
    return queue.names.ru if queue else bucket


def _leave_queue(order, written) -> str:
    """Out of the queue (bucket and due time cleared, an agreed callback time kept); the
    bucket it left, "" when it was in none."""
    left = order.bucket
    if left:
        written += apply_route(order, RouteDecision("", None, None), keep_callback=True)
    return left


def _route(order, effect, *, pb, now, written, **_why):
    if effect.bucket == order.bucket:
        return None
    if not effect.bucket:
        left = _leave_queue(order, written)
        return N_('Left the queue "%(queue)s" automatically (%(rule)s)'), {
            "queue": _queue_name(pb, left),
            "bucket": left,
        }
    decision = RouteDecision(effect.bucket, now, order.callback_at)
    written += apply_route(order, decision, keep_callback=True)
    return N_('Entered the queue "%(queue)s" automatically (%(rule)s)'), {
        "queue": _queue_name(pb, effect.bucket),
        "bucket": effect.bucket,
    }


def _status_change(order, effect, pb, written) -> dict[str, str]:
    old = order.status
    new = pb.statuses[effect.status]
    if old != new.code:
        order.status, order.status_group = new.code, new.group
        written += ["status", "status_group"]
    old_name = pb.statuses[old].names.ru if old in pb.statuses else old
    return {"from": old, "to": new.code, "from_name": old_name, "to_name": new.names.ru}


def _set_status(order, effect, *, pb, now, written, **_why):
    if order.status == effect.status:
        return None
    data = _status_change(order, effect, pb, written)
    return N_("Status changed automatically: %(from_name)s → %(to_name)s (%(rule)s)"), data


def _cancel(order, effect, *, pb, now, written, **_why):
    """DUN-4: cancelled, and so out of the worklist."""
    if order.status == effect.status and not order.bucket:
        return None
    data = _status_change(order, effect, pb, written)
    data["bucket"] = _leave_queue(order, written)
    return N_("Cancelled automatically: %(from_name)s → %(to_name)s (%(rule)s)"), data


def _mark(order, effect, *, pb, now, written, **_why):
    marks = dict(order.extra.get("marks") or {})
    if effect.flag in marks:
        return None
    marks[effect.flag] = now.isoformat()
    order.extra = {**order.extra, "marks": marks}
    written.append("extra")
    return N_("Marked automatically: %(flag)s (%(rule)s)"), {"flag": effect.flag}


_APPLY: dict[str, Callable[..., Applied]] = {
    "set_due": _set_due,
    "route": _route,
    "set_status": _set_status,
    "cancel": _cancel,
    "mark": _mark,
}


def _applier(kind: str) -> Callable[..., Applied]:
    """The order's own effect of this kind, else the one an app above the order services
    registered at the EFFECTS extension point under the kind's name (messaging's
    `send_message`, from its AppConfig's `ready()`)."""
    if kind in _APPLY:
        return _APPLY[kind]
    found = [ext.item for ext in plugins.extensions(plugins.EFFECTS) if ext.name == kind]
    if not found:
        raise LookupError(f"no app applies the effect {kind!r}")
    return found[-1]
