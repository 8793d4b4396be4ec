"""NBO screens: the project's campaigns, the supervisor's upload of campaigns and
eligibility (XLSX/CSV, every refused row named), the realized offers KPI against its
target (NBO-5), the responsible person's daily list of excluded numbers (NBO-4), a
number's offer archive where a NO or THINK becomes YES (NBO-2), and an interaction's
offers with its balance adjustments (NBO-6). The inbound desk shows a number's offers
through the desk block of `offers/desk.py` (`desk_offers`, `offers/_desk_offers.html`).

Views parse input, call one service or selector, and render; no rule lives here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dozvon.core import clock
from dozvon.core.errors import NotFound, RuleViolations, violation
from dozvon.core.http_errors import domain_errors
from dozvon.core.phones import format_phone
from dozvon.customers.rules import phone_key
from dozvon.interactions.selectors import interaction_get
from dozvon.offers import rules
from dozvon.offers import selectors as sel
from dozvon.offers.models import Campaign, Category, LostSale, OfferCheck, Response
from dozvon.offers.services import (
    adjustment_create,
    campaigns_load,
    eligibility_load,
    excluded_report_send,
    excluded_reports_of,
    offer_response_change,
)
from dozvon.offers.tabular import TableError, read_table
from dozvon.projects.access import (
    READ,
    SUPERVISE,
    WORK,
    ensure_can,
    has_role,
    is_supervising,
    project_for,
    projects_for,
)
from dozvon.projects.models import Role

MAX_UPLOAD = 20 * 1024 * 1024
SESSION_SEND_ERRORS = "dozvon_nbo_excluded_send_errors"
SHOWN_ERRORS = 100


def project_or_404(request, slug: str):
    try:
        project = project_for(request.user, slug)
    except NotFound as exc:
        raise Http404 from exc
    if not sel.offers_enabled(project):
        raise Http404
    return project


def _context(request, project, **extra) -> dict[str, Any]:
    return {
        "project": project,
        "projects": projects_for(request.user).order_by("name"),
        "supervising": is_supervising(request.user, project),
        **extra,
    }


def _day(value: str | None, default: date) -> date:
    parsed = rules.as_date(value) if value else None
    if parsed is None or not (date(2000, 1, 1) <= parsed <= date(2099, 12, 31)):
        return default
    return parsed


def _errors_by_field(exc: RuleViolations) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for v in exc.violations:
        errors.setdefault(v.field, []).append(f"{v.render()} ({v.rule})")
    return errors


# --- campaigns and the upload -------------------------------------------------------------


@login_required
@domain_errors
def campaigns(request, slug):
    project = project_or_404(request, slug)
    ensure_can(request.user, project, READ)
    today = sel.today_of(project)
    rows = [
        {"campaign": c, "active": c.facts().active_on(today)}
        for c in Campaign.objects.filter(project=project).order_by("priority", "code")
    ]
    return render(request, "offers/campaigns.html", _context(request, project, rows=rows))


def _row_errors(exc: RuleViolations, numbers: list[int]) -> list[dict[str, Any]]:
    """The load's `[i].field` violations as (file row, field, message)."""
    out = []
    for v in exc.violations[:SHOWN_ERRORS]:
        row, field = None, v.field
        if v.field.startswith("["):
            index, _, field = v.field[1:].partition("].")
            if index.isdigit() and int(index) < len(numbers):
                row = numbers[int(index)]
        out.append({"row": row, "field": field, "message": v.render(), "rule": v.rule})
    return out


@login_required
@domain_errors
def load(request, slug):
    """NBO-1: a supervisor uploads campaigns or eligibility; all or nothing."""
    project = project_or_404(request, slug)
    ensure_can(request.user, project, SUPERVISE)
    context = _context(request, project, kind=request.POST.get("kind", "eligibility"))
    if request.method == "POST":
        kind = context["kind"]
        upload = request.FILES.get("file")
        if kind not in ("campaigns", "eligibility"):
            context["problem"] = _("Choose what the file holds.")
        elif upload is None:
            context["problem"] = _("Choose a file.")
        elif upload.size > MAX_UPLOAD:
            context["problem"] = _("The file is too large (20 MB at most).")
        else:
            try:
                table = read_table(upload, filename=upload.name, kind=kind)
                numbers = [n for n, _ in table]
                service = campaigns_load if kind == "campaigns" else eligibility_load
                result = service(
                    project=project,
                    rows=[values for _, values in table],
                    actor=request.user,
                    now=clock.now(),
                )
            except TableError as exc:
                context["problem"] = _(str(exc))
            except RuleViolations as exc:
                context["row_errors"] = _row_errors(exc, numbers)
                context["more_errors"] = max(0, len(exc.violations) - SHOWN_ERRORS)
            else:
                context["result"] = result
        status = 200 if "result" in context else 422
        return render(request, "offers/load.html", context, status=status)
    return render(request, "offers/load.html", context)


# --- NBO-5: the KPI -----------------------------------------------------------------------


@login_required
@domain_errors
def kpi(request, slug):
    project = project_or_404(request, slug)
    ensure_can(request.user, project, SUPERVISE)
    today = sel.today_of(project)
    end = _day(request.GET.get("to"), today)
    start = _day(request.GET.get("from"), end - timedelta(days=6))
    if start > end or (end - start).days > 92:
        start = end - timedelta(days=6)
    rows = sel.offers_kpi(project, start=start, end=end)
    return render(
        request,
        "offers/kpi.html",
        _context(
            request,
            project,
            start=start,
            end=end,
            rows=rows,
            operators=sorted(
                sel.kpi_totals(rows, key="operator"), key=lambda r: r["operator_name"]
            ),
            campaigns=sorted(sel.kpi_totals(rows, key="campaign"), key=lambda r: r["campaign"]),
            total=next(iter(sel.kpi_totals([{**r, "all": 1} for r in rows], key="all")), None),
            target=sel.offers_config(project).kpi_target,
        ),
    )


# --- NBO-4: the excluded numbers ----------------------------------------------------------


@login_required
@domain_errors
def excluded(request, slug):
    project = project_or_404(request, slug)
    if not sel.may_see_excluded(request.user, project):
        raise PermissionDenied
    day = _day(request.GET.get("day"), sel.today_of(project))
    rows = sel.excluded_numbers(project=project, day=day, actor=request.user)
    supervising = is_supervising(request.user, project)
    return render(
        request,
        "offers/excluded.html",
        _context(
            request,
            project,
            day=day,
            rows=rows,
            previous=day - timedelta(days=1),
            # NBO-4: a supervisor emails the chosen day's list; the day's emails so far
            recipient=sel.offers_config(project).report_email if supervising else "",
            sent=excluded_reports_of(project=project, day=day) if supervising else [],
            send_errors=request.session.pop(SESSION_SEND_ERRORS, []),
        ),
    )


@login_required
@domain_errors
@require_POST
def excluded_send(request, slug):
    """NBO-4: the supervisor emails the list of the chosen day to the responsible person."""
    project = project_or_404(request, slug)
    day = rules.as_date(request.POST.get("day", "")[:20])
    back = reverse("offers:excluded", args=[project.slug])
    if day is None or not (date(2000, 1, 1) <= day <= date(2099, 12, 31)):
        refused = violation("input", "day", "Choose the day.")
        request.session[SESSION_SEND_ERRORS] = [f"{refused.render()} (NBO-4, day)"]
        return _see_other(back)
    back = f"{back}?day={day.isoformat()}"
    try:
        message, queued = excluded_report_send(
            project=project, day=day, actor=request.user, now=clock.now()
        )
    except RuleViolations as exc:
        request.session[SESSION_SEND_ERRORS] = [
            f"{v.render()} ({v.rule}, {v.field})" for v in exc.violations
        ]
        return _see_other(back)
    values = {"day": day.strftime("%d.%m.%Y"), "to": message.to}
    if queued:
        messages.success(request, _("The list of %(day)s is queued for %(to)s.") % values)
    else:
        messages.info(request, _("The same list of %(day)s was already sent to %(to)s.") % values)
    return _see_other(back)


def _see_other(url: str):
    response = redirect(url)
    response.status_code = 303
    return response


# --- NBO-2: a number's offer archive ------------------------------------------------------


def _may_tick(user, project) -> bool:
    return has_role(user, project, (Role.OPERATOR, Role.SUPERVISOR)) and sel.may_offer(
        user, project
    )


@login_required
@domain_errors
def archive(request, slug):
    project = project_or_404(request, slug)
    ensure_can(request.user, project, READ)
    phone = (request.GET.get("phone") or "").strip()[:64]
    responses = list(sel.number_archive(project=project, phone=phone, actor=request.user)[:100])
    return render(
        request,
        "offers/archive.html",
        _context(
            request,
            project,
            phone=phone,
            phone_key=phone_key(phone) if phone else "",
            responses=responses,
            may_tick=_may_tick(request.user, project),
            labels=dict(Response.choices),
        ),
    )


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_POST
@domain_errors
def archive_yes(request, slug):
    """NBO-2: the customer who refused or was thinking agrees: tick YES."""
    project = project_or_404(request, slug)
    ensure_can(request.user, project, WORK)
    try:
        interaction_id = int(request.POST.get("interaction", ""))
    except ValueError as exc:
        raise Http404 from exc
    offer = request.POST.get("offer", "")[:40]
    back = _back(request, reverse("offers:archive", args=[slug]))
    try:
        interaction = interaction_get(interaction_id=interaction_id, actor=request.user)
        if interaction.project_id != project.pk:
            raise NotFound()
        offer_response_change(
            interaction_id=interaction_id,
            offer=offer,
            response=rules.YES,
            actor=request.user,
            now=clock.now(),
        )
    except RuleViolations as exc:
        for v in exc.violations:
            messages.error(request, f"{v.render()} ({v.rule})")
    else:
        messages.success(request, _("Offer %(offer)s: YES recorded.") % {"offer": offer})
    response = redirect(back)
    response.status_code = 303
    return response


# --- an interaction's offers and adjustments (NBO-1…6) ------------------------------------


@login_required
@domain_errors
def interaction(request, slug, interaction_id):
    project = project_or_404(request, slug)
    found = interaction_get(interaction_id=interaction_id, actor=request.user)
    if found.project_id != project.pk:
        raise Http404
    return _interaction_page(request, project, found)


def _interaction_page(request, project, found, *, form=None, errors=None, status=200):
    today = sel.today_of(project)
    return render(
        request,
        "offers/interaction.html",
        _context(
            request,
            project,
            interaction=found,
            phone=format_phone(found.phone),
            check=OfferCheck.objects.filter(interaction=found).first(),
            lost=LostSale.objects.filter(interaction=found).first(),
            responses=sel.interaction_offers(found),
            adjustments=sel.interaction_adjustments(found),
            campaigns=[
                c
                for c in Campaign.objects.filter(project=project).order_by("priority", "code")
                if c.facts().active_on(today)
            ],
            categories=Category.choices,
            labels=dict(Response.choices),
            may_tick=_may_tick(request.user, project),
            form=form or {},
            errors=errors or {},
        ),
        status=status,
    )


@login_required
@require_POST
@domain_errors
def adjustment_add(request, slug, interaction_id):
    """NBO-6: a balance adjustment from the interaction's page."""
    project = project_or_404(request, slug)
    found = interaction_get(interaction_id=interaction_id, actor=request.user)
    if found.project_id != project.pk:
        raise Http404
    form = {
        k: request.POST.get(k, "")[:5000]
        for k in ("category", "amount", "reason", "campaign", "subject", "comment")
    }
    form["customer_agreed"] = request.POST.get("customer_agreed") == "on"
    try:
        amount = rules.as_amount(form["amount"]) if form["amount"].strip() else None
        if form["amount"].strip() and amount is None:
            raise RuleViolations([violation("NBO-6", "amount", "Enter an amount, e.g. 150.00.")])
        adjustment_create(
            interaction_id=found.pk,
            category=form["category"],
            amount=amount,
            reason=form["reason"],
            campaign=form["campaign"] or None,
            subject=form["subject"] or None,
            comment=form["comment"],
            customer_agreed=form["customer_agreed"],
            actor=request.user,
            now=clock.now(),
        )
    except RuleViolations as exc:
        return _interaction_page(
            request, project, found, form=form, errors=_errors_by_field(exc), status=422
        )
    messages.success(request, _("The adjustment is sent to the billing."))
    response = redirect("offers:interaction", slug=slug, interaction_id=found.pk)
    response.status_code = 303
    return response
