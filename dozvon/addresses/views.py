"""Address suggestions for the order card (COD-12) and SHOP's "split into fields" (SHOP-7):
`GET /addresses/suggest?kind=city|street|house|split&q=…&city=…&street=…` answers
`{"items": [...], "available": true}`. A provider that is down or slower than its deadline
answers `{"items": [], "available": false, "message": …}` with 200: the operator types the
address by hand; the card never waits longer than the provider's deadline (1 s).

`city=` and `street=` are the `key` of the suggestion chosen at the previous step (or a
name as typed). Each item is `Suggestion.as_dict()`: its parts, `key`, and `parts` in the
order's address shape.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from dozvon.addresses.choice import get_provider
from dozvon.addresses.providers import ProviderUnavailable, clamp_limit
from dozvon.core.http_errors import api_input_error

logger = logging.getLogger(__name__)

MAX_TEXT = 200  # characters of q, city, street; longer input is cut, not refused
KINDS = ("city", "street", "house", "split")


def _param(request, name: str) -> str:
    return " ".join(request.GET.get(name, "")[:MAX_TEXT].split())


@login_required
@require_GET
def suggest(request):
    kind = request.GET.get("kind", "")
    if kind not in KINDS:
        allowed = ", ".join(KINDS)
        return api_input_error(
            422, "kind", gettext("Choose one of: %(allowed)s.") % {"allowed": allowed}
        )
    q, city, street = _param(request, "q"), _param(request, "city"), _param(request, "street")
    try:
        limit = clamp_limit(int(request.GET.get("limit") or 10))
    except ValueError:
        limit = 10
    provider = get_provider()
    try:
        if not q:
            items = []
        elif kind == "city":
            items = provider.suggest_city(q, limit)
        elif kind == "street":
            items = provider.suggest_street(city, q, limit) if city else []
        elif kind == "house":
            items = provider.suggest_house(city, street, q, limit) if city else []
        else:
            items = provider.split(q, limit)
    except ProviderUnavailable as exc:
        logger.warning("address provider %s unavailable: %s", provider.name, exc)
        message = gettext("Address suggestions are unavailable; type the address by hand.")
        return _json({"items": [], "available": False, "message": message})
    return _json({"items": [s.as_dict() for s in items], "available": True})


def _json(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
