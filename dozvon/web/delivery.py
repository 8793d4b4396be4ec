"""COD-13/COD-14 on the order card: GET lists the delivery options for the order's
address, POST applies one (method and cost) and answers with the new totals and the
closing script. JSON for the card's script; the rules live in `delivery.rules`, the write in
`orders.services.delivery`. And the delivery department's list (SHOP-3, SHOP-7):
the orders it plans, by day and window, a note to it flagged red."""

from __future__ import annotations

import functools
import json
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods

from dozvon.core import clock
from dozvon.core.errors import Conflict, DomainError, RuleViolations
from dozvon.core.http_errors import api_detail, api_input_error, domain_errors
from dozvon.core.money import display_money, format_money
from dozvon.delivery.models import DeliveryMethod
from dozvon.delivery.selectors import (
    delivery_list_groups,
    order_address,
    order_delivery_options,
)
from dozvon.orders import selectors as order_sel
from dozvon.orders.delivery_selectors import orders_awaiting_approval, orders_for_delivery
from dozvon.orders.services.delivery import order_choose_delivery
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import project_for, projects_for

PER_PAGE = 50


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def json_errors(view):
    """Refusals in the API's shapes: 422 with every violation, 409 with the current
    version, 404 outside the user's projects, 403 for a role that may not."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RuleViolations as exc:
            return _json({"errors": [v.as_dict() for v in exc.violations]}, status=422)
        except Conflict as exc:
            detail = gettext("The order was changed by someone else; reload it.")
            return _json({"detail": detail, "version": exc.current_version}, status=409)
        except DomainError as exc:
            detail = {403: gettext("Forbidden."), 404: gettext("Not found.")}.get(exc.status, "")
            return api_detail(exc.status, detail)

    return wrapper


def _option_out(option, *, lang: str, chosen: str, currency: str) -> dict:
    """An option for the card's script; `cost_display` is what it shows ("350 ₽"; a free
    option's cost is 0): money is written as text on the server only (`core.money`)."""
    return {
        "code": option.code,
        "name": option.name(lang),
        "kind": option.kind,
        "cost": format_money(option.cost),
        "cost_display": display_money(option.cost, currency),
        "days_min": option.days_min,
        "days_max": option.days_max,
        "free": option.free,
        "do_not_offer": option.do_not_offer,
        "rule": option.rule,
        "reason": gettext(option.reason) if option.reason else "",
        "chosen": option.code == chosen,
    }


def _order_out(order) -> dict:
    """What the card refreshes after a choice: method, money (X-5) and the COD-14 script."""
    return {
        "id": order.pk,
        "version": order.version,
        "delivery_method": order.delivery_method,
        "goods_total": format_money(order.goods_total),
        "delivery_cost": format_money(order.delivery_cost),
        "total": format_money(order.total),
        "currency": order.currency,
        # the same amounts as the card shows them ("1 490 ₽"), for the script to put in
        "display": {
            name: display_money(getattr(order, name), order.currency)
            for name in ("goods_total", "delivery_cost", "total")
        },
        "closing_script": order_sel.closing_script(order),
    }


def _posted(request):
    """The form fields, or a JSON object body; None for a malformed body."""
    if request.content_type != "application/json":
        return request.POST
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


@login_required
@require_http_methods(["GET", "POST"])
@json_errors
def delivery_options(request, order_id: int):
    if request.method == "POST":
        return _choose(request, order_id)
    order = order_sel.order_get(order_id=order_id, actor=request.user)
    lang = get_language() or "ru"
    address = order_address(order=order)
    options = order_delivery_options(order=order)
    return _json(
        {
            "order": _order_out(order),
            "address": {"region": address.region, "city": address.city},
            "options": [
                _option_out(o, lang=lang, chosen=order.delivery_method, currency=order.currency)
                for o in options
            ],
        }
    )


def _choose(request, order_id: int):
    data = _posted(request)
    if data is None:
        return api_input_error(422, "body", gettext("Malformed JSON body."))
    option = str(data.get("option") or "").strip()
    try:
        version = int(data.get("version"))
    except (TypeError, ValueError):
        return api_input_error(422, "version", gettext("Enter a valid value."))
    order = order_choose_delivery(
        order_id=order_id, actor=request.user, option_code=option, version=version, now=clock.now()
    )
    return _json({"order": _order_out(order)})


@login_required
@domain_errors
def delivery_list(request, slug: str):
    """SHOP-3, SHOP-7: the delivery department's list: day, window (a short one shown with
    its approval), address, method, payment and the red flag of a note to the department;
    above it the short windows operators agreed that wait for the department's approval."""
    project = project_for(request.user, slug)  # 404 outside the user's projects
    pb = playbook_def(project.playbook)
    groups = delivery_list_groups(pb)
    if not groups:
        raise Http404
    lang = get_language() or "ru"
    page = Paginator(orders_for_delivery(project=project, groups=groups), PER_PAGE).get_page(
        request.GET.get("page")
    )
    methods = {m.code: m.name(lang) for m in DeliveryMethod.objects.filter(project=project)}
    statuses = {s.code: s.names.get(lang) for s in pb.statuses.values()}

    def row(o):
        return {
            "order": o,
            "status": statuses.get(o.status, o.status),
            "method": methods.get(o.delivery_method, o.delivery_method),
            "place": ", ".join(
                str(o.delivery_address[k])
                for k in ("city", "street", "house", "building", "apartment")
                if (o.delivery_address or {}).get(k)
            ),
        }

    today = clock.now().astimezone(ZoneInfo(project.time_zone)).date()
    awaiting = orders_awaiting_approval(project=project, pb=pb, groups=groups, today=today)
    return render(
        request,
        "delivery/list.html",
        {
            "project": project,
            "projects": projects_for(request.user).order_by("name"),
            "rows": [row(o) for o in page],
            "awaiting": [row(o) for o in awaiting],
            "page": page,
        },
    )
