"""The card's round trip, shared by the card and the plug-ins' card panels: after a
change the browser goes back to the card (303, keeping the queue it came from); a refused
change leaves its messages and the typed values in the session for the card to show next
to their fields (X-7), so a reload never re-sends the form."""

from __future__ import annotations

import re

from django.shortcuts import redirect
from django.urls import reverse

from dozvon.core.errors import RuleViolations, Violation
from dozvon.orders import selectors as order_sel

_CODE = re.compile(r"[a-z0-9_]{1,40}")


def back_to_card(request, order_id: int):
    """Back to the order card after a change on it, keeping the queue it came from."""
    code = request.POST.get("from") or ""
    url = reverse("web:order", args=[order_id])
    response = redirect(f"{url}?from={code}" if _CODE.fullmatch(code) else url)
    response.status_code = 303  # "see other": a reload of the card never re-sends the form
    return response


def refusal_errors(violations: list[Violation]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for v in violations:
        field = (
            v.field.split(".")[0].split("[")[0]
            if v.field.startswith("delivery_address")
            else v.field
        )
        out.setdefault(field, []).append(f"{v.render()} ({v.rule})")
    return out


REFUSAL = "dozvon_card_refusal"


def rerender(request, order_id, exc: RuleViolations, *, values=None, open_outcome=""):
    """A refused change: its messages and the typed values go to the session and the
    browser is sent back to the card, which shows them next to their fields."""
    order_sel.order_get(order_id=order_id, actor=request.user)  # access (404 outside)
    request.session[REFUSAL] = {
        "order": order_id,
        "errors": refusal_errors(exc.violations),
        "values": {k: v for k, v in (values or {}).items() if len(str(v)) <= 5000},
        "open": open_outcome,
    }
    return back_to_card(request, order_id)
