"""Operator workspace and supervisor screen (htmx + Django templates).

Views parse input, call one service or selector, and render; no rule lives here.
"""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dozvon.calls.models import CallResult
from dozvon.calls.services import call_attempt_record
from dozvon.catalog.models import Product
from dozvon.core import clock
from dozvon.core.errors import Conflict, Forbidden, NotFound, RuleViolations, Violation
from dozvon.orders import selectors as order_sel
from dozvon.orders import services as order_svc
from dozvon.orders.fields import BY_NAME, Store, declared
from dozvon.orders.models import Order
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import (
    has_role,
    project_for,
    projects_for,
    role_of,
)
from dozvon.queues import services as queue_svc
from dozvon.queues.selectors import claim_idle, queue_counts, queue_filter
from dozvon.web.forms import (
    PAYMENT_LABELS,
    field_spec,
    form_values,
    parse_discount,
    parse_int,
    parse_outcome,
)


def domain_errors(view):
    """NotFound → 404 and Forbidden → 403, as in the API (X-2)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc
        except Forbidden as exc:
            raise PermissionDenied from exc

    return wrapper


def _project(request, slug):
    try:
        return project_for(request.user, slug)
    except NotFound as exc:
        raise Http404 from exc


def _queues(project, now, user):
    """The queue bar: every tab with its count; "Take" where this user may take."""
    lang = get_language()
    return [
        {
            "code": q.code,
            "name": q.names.get(lang),
            "count": n,
            "callable": q.callable and has_role(user, project, q.roles),
        }
        for q, n in queue_counts(project=project, now=now)
    ]


@login_required
def home(request):
    projects = list(projects_for(request.user).order_by("name"))
    if len(projects) == 1:
        return redirect("web:workspace", slug=projects[0].slug)
    now = clock.now()
    rows = [{"project": p, "queues": _queues(p, now, request.user)} for p in projects]
    return render(request, "web/home.html", {"rows": rows, "projects": projects})


@login_required
@domain_errors
def workspace(request, slug):
    project = _project(request, slug)
    now = clock.now()
    pb = playbook_def(project.playbook)
    lang = get_language()
    q = (request.GET.get("q") or "").strip()[:200]
    status = (request.GET.get("status") or "").strip()[:40]
    queue_code = (request.GET.get("queue") or "").strip()[:40]
    page_size = parse_int(request.GET.get("page_size"), 20, 1, 100)
    qs = order_sel.order_list(project=project, q=q or None, status=status or None)
    queue = next((x for x in pb.queues if x.code == queue_code), None)
    if queue is not None:
        qs = qs.filter(queue_filter(queue, now=now, tz=project.time_zone))
    page = order_sel.IdsFirstPaginator(
        qs.select_related("project", "project__playbook", "claimed_by"), page_size
    ).get_page(request.GET.get("page"))
    held = Order.objects.filter(
        project=project, claimed_by=request.user, claimed_at__gte=now - claim_idle(project)
    ).first()
    return render(
        request,
        "web/workspace.html",
        {
            "project": project,
            "projects": projects_for(request.user).order_by("name"),
            "queues": _queues(project, now, request.user),
            "page": page,
            "rows": [
                {
                    "order": o,
                    "queue": order_sel.order_queue_code(o, now=now),
                    "status": pb.statuses[o.status].names.get(lang)
                    if o.status in pb.statuses
                    else o.status,
                    "problem": pb.problems[o.problem].get(lang)
                    if o.problem in pb.problems
                    else o.problem,
                }
                for o in page
            ],
            "statuses": [(s.code, s.names.get(lang)) for s in pb.statuses.values()],
            "filters": {"q": q, "status": status, "queue": queue_code, "page_size": page_size},
            "held": held,
            "role": role_of(request.user, project),
        },
    )


@login_required
@domain_errors
def queue_bar(request, slug):
    project = _project(request, slug)
    now = clock.now()
    return render(
        request,
        "web/_queue_bar.html",
        {"project": project, "queues": _queues(project, now, request.user)},
    )


@login_required
@require_POST
@domain_errors
def take_next(request, slug, code):
    project = _project(request, slug)
    try:
        order = queue_svc.queue_take_next(
            project=project, queue_code=code, actor=request.user, now=clock.now()
        )
    except RuleViolations as exc:
        for v in exc.violations:
            messages.error(request, v.render())
        return redirect("web:workspace", slug=slug)
    if order is None:
        messages.info(request, _("No orders are due in this queue right now."))
        return redirect(f"{reverse('web:workspace', args=[slug])}?queue={code}")
    return redirect("web:order", order_id=order.pk)


# --- the order card -----------------------------------------------------------------------


def _choices(decl, pb, outcome, lang) -> list[tuple[str, str]]:
    """The allowed values of a declared list field: the playbook's (problems of this
    outcome, payment methods) or the model's."""
    if decl.choices == "problems":
        return [(p, pb.problems[p].get(lang)) for p in outcome.problems]
    if decl.choices == "payment_methods":
        return [(m, _(PAYMENT_LABELS.get(m, m))) for m in pb.payment_methods]
    return []


def _card_context(request, order, *, errors=None, values=None, open_outcome=""):
    now = clock.now()
    project = order.project
    pb = playbook_def(project.playbook)
    lang = get_language()
    tz = project.time_zone
    errors = errors or {}
    values = dict(values or {}) or form_values(order, declared(Store.ORDER, outcome=True))
    outcomes = [
        {
            "code": o.code,
            "name": o.names.get(lang),
            "rule": o.rule,
            "fields": [
                field_spec(
                    BY_NAME[f],
                    values
                    if open_outcome == o.code
                    else {k: v for k, v in values.items() if k != "comment"},
                    choices=_choices(BY_NAME[f], pb, o, lang),
                    errors=(errors if open_outcome == o.code else {}).get(f, []),
                    required=f in o.requires,
                )
                for f in pb.form_fields(o)
            ],
        }
        for o in pb.outcomes.values()
        if has_role(request.user, project, o.roles)
    ]
    used = {
        f
        for spec in outcomes
        if spec["code"] == open_outcome
        for f in [x["name"] for x in spec["fields"]]
    }
    general = [m for field, msgs in errors.items() if field not in used | {"calls"} for m in msgs]
    timeline = [
        {"entry": e, "text": order_sel.timeline_text(e, pb)}
        for e in order_sel.order_timeline(order)
    ]
    status_names = {s.code: s.names.get(lang) for s in pb.statuses.values()}
    return {
        "order": order,
        "project": project,
        "projects": projects_for(request.user).order_by("name"),
        "customer": order.customer,
        "phones": list(order.customer.phones.all()),
        "other_orders": [
            {"order": o, "status": status_names.get(o.status, o.status)}
            for o in order_sel.order_other_orders(order)[:20]
        ],
        "items": list(order.items.all()),
        "products": Product.objects.filter(project=project, is_active=True).order_by("name"),
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
        "open_outcome": open_outcome,
        "errors": errors,
        "general_errors": general,
        "call_errors": errors.get("calls", []),
        "claimed_by_me": order.claimed_by_id == request.user.pk,
        "queues": _queues(project, now, request.user),
        "local_tz": ZoneInfo(tz),
    }


def _errors(violations: list[Violation]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for v in violations:
        field = (
            v.field.split(".")[0].split("[")[0]
            if v.field.startswith("delivery_address")
            else v.field
        )
        out.setdefault(field, []).append(f"{v.render()} ({v.rule})")
    return out


@login_required
@domain_errors
def order_card(request, order_id):
    order = order_sel.order_get(order_id=order_id, actor=request.user)
    return render(request, "web/order.html", _card_context(request, order))


def _rerender(request, order_id, exc: RuleViolations, *, values=None, open_outcome=""):
    order = order_sel.order_get(order_id=order_id, actor=request.user)
    context = _card_context(
        request, order, errors=_errors(exc.violations), values=values, open_outcome=open_outcome
    )
    return render(request, "web/order.html", context, status=422)


@login_required
@require_POST
@domain_errors
def order_call(request, order_id):
    try:
        call_attempt_record(
            order_id=order_id,
            actor=request.user,
            result=request.POST.get("result", "")[:40],
            now=clock.now(),
        )
    except RuleViolations as exc:
        return _rerender(request, order_id, exc)
    return redirect("web:order", order_id=order_id)


@login_required
@require_POST
@domain_errors
def order_add_item(request, order_id):
    discount = parse_discount(request.POST.get("discount_percent"))
    try:
        if discount is None:
            raise RuleViolations([Violation("input", "discount_percent", "Enter a valid value.")])
        order_svc.order_add_item(
            order_id=order_id,
            actor=request.user,
            sku=request.POST.get("sku", "")[:64],
            quantity=parse_int(request.POST.get("quantity"), 0, -1, 10**6),
            discount_percent=discount,
            now=clock.now(),
        )
    except RuleViolations as exc:
        return _rerender(request, order_id, exc)
    return redirect("web:order", order_id=order_id)


@login_required
@require_POST
@domain_errors
def order_comment(request, order_id):
    try:
        order_svc.order_add_comment(
            order_id=order_id,
            actor=request.user,
            text=request.POST.get("text", ""),
            now=clock.now(),
        )
    except RuleViolations as exc:
        return _rerender(request, order_id, exc)
    return redirect("web:order", order_id=order_id)


@login_required
@require_POST
@domain_errors
def order_outcome(request, order_id):
    order = order_sel.order_get(order_id=order_id, actor=request.user)
    args, bad = parse_outcome(request.POST, order.project.time_zone)
    values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    version = parse_int(request.POST.get("version"), None, 0, 10**9)
    try:
        if bad:
            raise RuleViolations(bad)
        saved = order_svc.order_apply_outcome(
            order_id=order_id, actor=request.user, version=version, now=clock.now(), **args
        )
    except RuleViolations as exc:
        return _rerender(request, order_id, exc, values=values, open_outcome=args["code"])
    except Conflict:
        messages.error(request, _("The order was changed by someone else; reload it."))
        return _rerender(
            request, order_id, RuleViolations([]), values=values, open_outcome=args["code"]
        )
    pb = playbook_def(saved.project.playbook)
    messages.success(
        request,
        _("Order #%(id)s saved: %(status)s.")
        % {"id": saved.pk, "status": pb.statuses[saved.status].names.get(get_language())},
    )
    return redirect("web:workspace", slug=saved.project.slug)


@login_required
@require_POST
@domain_errors
def order_release(request, order_id):
    try:
        order = queue_svc.order_release(order_id=order_id, actor=request.user, now=clock.now())
    except RuleViolations as exc:
        return _rerender(request, order_id, exc)
    return redirect("web:workspace", slug=order.project.slug)


# --- supervisor ---------------------------------------------------------------------------


def healthz(request):
    return JsonResponse({"ok": True})
