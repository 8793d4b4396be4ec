"""SUB screens: the subscriptions list (filters phone, number, group), a supervisor's
import (upload → preview with per-row errors → commit, a large file written by the
worker while its page shows the progress), the one-click information run
(SUB-1) with its progress, the registry export (SUB-6), the refund escalations the
supervisor follows until the partner decides (SUB-3), the supervisor's promo codes and an
operator's code applied on the order card (SUB-5). Views parse input, call one service
or selector, and render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dozvon.core import clock
from dozvon.core.errors import RuleViolations
from dozvon.core.http_errors import domain_errors
from dozvon.projects.access import READ, SUPERVISE, ensure_can, is_supervising, projects_for
from dozvon.projects.http import project_or_404
from dozvon.subscriptions import promo_rules, rules
from dozvon.subscriptions.inform_start import inform_accelerated
from dozvon.subscriptions.models import EscalationState, Group, ImportState, Status
from dozvon.subscriptions.promo import promo_apply
from dozvon.subscriptions.promo_card import order_for_promo, remember_refusal
from dozvon.subscriptions.promo_codes import (
    promo_code_change,
    promo_code_create,
    promo_code_get,
    promo_codes_list,
)
from dozvon.subscriptions.selectors import (
    escalations,
    inform_progress,
    keeps_subscriptions,
    subscriptions_list,
)
from dozvon.subscriptions.services import escalation_decide, escalation_notify
from dozvon.subscriptions.uploads import (
    import_commit,
    import_failure,
    import_get,
    import_preview,
    import_stalled,
    import_upload,
)

PAGE = 50


def _sub_project(request, slug, action=READ):
    project = project_or_404(request, slug)
    ensure_can(request.user, project, action)
    if not keeps_subscriptions(project):
        raise Http404
    return project


def _base(request, project, **extra):
    return {
        "project": project,
        "projects": projects_for(request.user).order_by("name"),
        "supervising": is_supervising(request.user, project),
        **extra,
    }


def _see_other(url: str):
    response = redirect(url)
    response.status_code = 303
    return response


def _errors(exc: RuleViolations) -> list[str]:
    return [f"{v.render()} ({v.rule}, {v.field})" for v in exc.violations]


def _date(value: str | None) -> date | None:
    return rules.parse_date(value) if value else None


@login_required
@domain_errors
def subscription_list(request, slug):
    project = _sub_project(request, slug)
    f = {k: (request.GET.get(k) or "").strip()[:64] for k in ("phone", "number", "group", "status")}
    if f["group"] not in Group.values:
        f["group"] = ""
    if f["status"] not in Status.values:
        f["status"] = ""
    qs = subscriptions_list(project=project, actor=request.user, **f)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    supervising = is_supervising(request.user, project)
    return render(
        request,
        "subscriptions/list.html",
        _base(
            request,
            project,
            filters=f,
            page=page,
            groups=Group.choices,
            statuses=Status.choices,
            progress=inform_progress(project) if supervising else None,
            open_escalations=escalations(project, state=EscalationState.OPEN).count()
            if supervising
            else 0,
        ),
    )


@login_required
@domain_errors
def inform_progress_view(request, slug):
    """SUB-1's progress, polled by the list page while a run works."""
    project = _sub_project(request, slug, SUPERVISE)
    return render(
        request,
        "subscriptions/_progress.html",
        _base(request, project, progress=inform_progress(project)),
    )


@login_required
@domain_errors
@require_POST
def inform_start(request, slug):
    project = _sub_project(request, slug, SUPERVISE)
    try:
        inform_accelerated(project=project, actor=request.user, now=clock.now())
    except RuleViolations as exc:
        for text in _errors(exc):
            messages.error(request, text)
    else:
        messages.success(request, _("Informing the accelerated subscribers has started."))
    return _see_other(reverse("subscriptions:list", args=[slug]))


@login_required
@domain_errors
def import_start(request, slug):
    project = _sub_project(request, slug, SUPERVISE)
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors.append(_("Choose a file."))
        elif upload.size > 10 * 1024 * 1024:
            errors.append(_("The file is larger than 10 MB."))
        else:
            try:
                kept = import_upload(
                    project=project,
                    actor=request.user,
                    filename=upload.name,
                    content=upload.read(),
                    now=clock.now(),
                )
            except RuleViolations as exc:
                errors = _errors(exc)
            else:
                return _see_other(reverse("subscriptions:import_preview", args=[slug, kept.pk]))
    return render(request, "subscriptions/import.html", _base(request, project, errors=errors))


def _import_page(request, project, upload, **extra):
    """The file's preview as kept at upload (never read again) with its state."""
    return _base(
        request,
        project,
        upload=upload,
        preview=import_preview(upload=upload),
        stalled=import_stalled(upload=upload, now=clock.now()),
        failure=import_failure(upload),
        **extra,
    )


@login_required
@domain_errors
def import_preview_view(request, slug, import_id):
    project = _sub_project(request, slug, SUPERVISE)
    upload = import_get(import_id=import_id, project=project, actor=request.user)
    context = _import_page(
        request,
        project,
        upload,
        errors=request.session.pop("dozvon_sub_import_errors", []),
    )
    context["rows"] = context["preview"].rows
    return render(request, "subscriptions/preview.html", context)


@login_required
@domain_errors
def import_progress_view(request, slug, import_id):
    """The import's state and progress, polled by its preview page while the worker
    writes it (every 2 s, until it is done or stopped)."""
    project = _sub_project(request, slug, SUPERVISE)
    upload = import_get(import_id=import_id, project=project, actor=request.user)
    return render(
        request, "subscriptions/_import_status.html", _import_page(request, project, upload)
    )


@login_required
@domain_errors
@require_POST
def import_commit_view(request, slug, import_id):
    """A small file is written now (back to the list with the counts); a large one is
    queued for the worker (back to its page, which shows the progress)."""
    project = _sub_project(request, slug, SUPERVISE)
    back = reverse("subscriptions:import_preview", args=[slug, import_id])
    try:
        upload = import_commit(
            import_id=import_id, project=project, actor=request.user, now=clock.now()
        )
    except RuleViolations as exc:
        request.session["dozvon_sub_import_errors"] = _errors(exc)[:50]
        return _see_other(back)
    if upload.state != ImportState.DONE:
        return _see_other(back)
    counts = {
        name: (upload.result or {}).get(name, 0) for name in ("created", "updated", "unchanged")
    }
    messages.success(
        request,
        _("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.") % counts,
    )
    return _see_other(reverse("subscriptions:list", args=[slug]))


@login_required
@domain_errors
def escalation_list(request, slug):
    project = _sub_project(request, slug, SUPERVISE)
    state = request.GET.get("state", EscalationState.OPEN)
    if state not in EscalationState.values:
        state = ""
    page = Paginator(escalations(project, state=state), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "subscriptions/escalations.html",
        _base(
            request,
            project,
            page=page,
            state=state,
            states=EscalationState.choices,
            errors=request.session.pop("dozvon_sub_escalation_errors", {}),
        ),
    )


@login_required
@domain_errors
@require_POST
def escalation_decide_view(request, slug, escalation_id):
    project = _sub_project(request, slug, SUPERVISE)
    back = reverse("subscriptions:escalations", args=[project.slug])
    try:
        escalation_decide(
            escalation_id=escalation_id,
            actor=request.user,
            decision=request.POST.get("decision", "")[:6000],
            now=clock.now(),
        )
    except RuleViolations as exc:
        request.session["dozvon_sub_escalation_errors"] = {str(escalation_id): _errors(exc)}
        return _see_other(back)
    messages.success(request, _("The partner's decision is recorded."))
    return _see_other(back)


@login_required
@domain_errors
@require_POST
def escalation_notify_view(request, slug, escalation_id):
    project = _sub_project(request, slug, SUPERVISE)
    escalation = escalation_notify(escalation_id=escalation_id, actor=request.user, now=clock.now())
    if escalation.message_id is None:
        messages.error(request, escalation.notify_problem or _("The email was not queued."))
    else:
        messages.success(request, _("The email to the partner is queued."))
    return _see_other(reverse("subscriptions:escalations", args=[project.slug]))


# --- SUB-5: the supervisor's promo codes, an operator's code on the order card -----------

SESSION_PROMO_FORM = "dozvon_sub_promo_form"
SESSION_PROMO_ERRORS = "dozvon_sub_promo_errors"


@login_required
@domain_errors
def promo_codes(request, slug):
    """SUB-5: the project's codes (supervisors only) and the form of a new one."""
    project = _sub_project(request, slug, SUPERVISE)
    form = request.session.pop(SESSION_PROMO_FORM, {})
    errors = request.session.pop(SESSION_PROMO_ERRORS, {})
    if request.method == "POST":
        form = {
            k: (request.POST.get(k) or "").strip()[:200]
            for k in ("code", "collection", "discount_amount", "ends_on")
        }
        try:
            promo = promo_code_create(
                project=project,
                actor=request.user,
                code=form["code"],
                collection=form["collection"],
                discount_amount=promo_rules.parse_amount(form["discount_amount"]),
                ends_on=_date(form["ends_on"]),
                now=clock.now(),
            )
        except RuleViolations as exc:
            request.session[SESSION_PROMO_FORM] = form
            request.session[SESSION_PROMO_ERRORS] = _by_field(exc)
        else:
            messages.success(request, _("Promo code #%(id)s created.") % {"id": promo.pk})
        return _see_other(reverse("subscriptions:promo_codes", args=[slug]))
    return render(
        request,
        "subscriptions/promo_codes.html",
        _base(
            request,
            project,
            codes=promo_codes_list(project=project, actor=request.user),
            collections=project.collections.order_by("name"),
            form=form,
            errors=errors,
            today=clock.local_date(clock.now(), project.time_zone),
        ),
    )


@login_required
@domain_errors
@require_POST
def promo_code_end(request, slug, promo_id):
    """SUB-5: the supervisor ends a code (operators can no longer apply it)."""
    project = _sub_project(request, slug, SUPERVISE)
    promo = promo_code_get(promo_id=promo_id, actor=request.user)
    if promo.project_id != project.pk:
        raise Http404
    promo_code_change(promo_id=promo.pk, actor=request.user, active=False, now=clock.now())
    messages.success(request, _("Promo code #%(id)s ended.") % {"id": promo.pk})
    return _see_other(reverse("subscriptions:promo_codes", args=[slug]))


def _by_field(exc: RuleViolations) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for v in exc.violations:
        errors.setdefault(v.field, []).append(f"{v.render()} ({v.rule})")
    return errors


@login_required
@domain_errors
@require_POST
def promo_card_apply(request, order_id):
    """SUB-5: an operator applies the project's code on the order card while the order is
    open; back to the card, a refusal shown by the card's promo block (never the code)."""
    order = order_for_promo(order_id=order_id, user=request.user)
    try:
        promo_apply(
            order_id=order.pk,
            code=request.POST.get("code", "")[:200],
            actor=request.user,
            now=clock.now(),
        )
    except RuleViolations as exc:
        remember_refusal(request.session, order.pk, _by_field(exc))
    else:
        messages.success(
            request, _("Special discount applied to order #%(id)s.") % {"id": order.pk}
        )
    return _see_other(reverse("web:order", args=[order.pk]))
