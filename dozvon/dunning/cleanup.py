"""DUN-8: a supervisor's clean-up of exhausted orders, and switching the nightly clean-up
on or off for the project.

The clean-up asks before it acts (issue 23 item 13): GET shows what it will do — the
orders it will cancel, the final offer each customer will get (or why none goes), the
orders it leaves alone while an operator works on them — and POST, from that page's
"Confirm", does it for the orders shown (the service refuses when more became exhausted
since). A POST without the list goes to the preview. A user outside the project gets
404, an operator 403 (X-2); Django's CSRF middleware guards the POSTs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dozvon.core import clock
from dozvon.core.errors import RuleViolations
from dozvon.core.http_errors import domain_errors
from dozvon.dunning.cleanup_selectors import clean_up_preview
from dozvon.dunning.services import exhausted_clean_up, exhausted_switch
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import SUPERVISE, ensure_can, project_for, projects_for
from dozvon.queues.tabs import queue_tabs

MAX_IDS = 5000  # ids a confirmation may carry (a run does at most 2000 anyway)


def worklist_url(slug: str) -> str:
    try:
        return reverse("dunning:worklist", kwargs={"slug": slug})
    except NoReverseMatch:  # the worklist screen's URL, before it is registered
        return f"/p/{slug}/worklist"


def _refused(request, refused: RuleViolations) -> None:
    for v in refused.violations:
        messages.error(request, f"{v.rule}: {v.render()}")


def _ids(values) -> set[int] | None:
    """The order ids the preview showed; None when the form carried none or junk."""
    ids = set()
    for value in values[:MAX_IDS]:
        if not str(value).isdigit():
            return None
        ids.add(int(value))
    return ids if values else None


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def clean_up(request, slug: str):
    project = project_for(request.user, slug)
    ensure_can(request.user, project, SUPERVISE)
    if request.method == "GET":
        return _preview(request, project)
    seen = _ids(request.POST.getlist("order")) if request.POST.get("confirm") else None
    if seen is None:  # nothing confirmed: show what it would do first
        return redirect(reverse("dunning:clean_up", kwargs={"slug": slug}))
    try:
        count = exhausted_clean_up(project=project, actor=request.user, now=clock.now(), seen=seen)
    except RuleViolations as refused:
        _refused(request, refused)
        return redirect(reverse("dunning:clean_up", kwargs={"slug": slug}))
    messages.success(
        request,
        ngettext("%(count)s order cleaned up", "%(count)s orders cleaned up", count)
        % {"count": count},
    )
    return redirect(worklist_url(slug))


def _preview(request, project):
    now = clock.now()
    preview = clean_up_preview(project, now=now)
    pb = playbook_def(project.playbook)
    lang = get_language()
    status = pb.statuses.get(preview.cancel_status)
    return render(
        request,
        "dunning/clean_up.html",
        {
            "project": project,
            "projects": projects_for(request.user).order_by("name"),
            "queues": queue_tabs(project, now, request.user),
            "preview": preview,
            "cancel_status": status.names.get(lang) if status else "",
            "worklist_url": worklist_url(project.slug),
        },
    )


@login_required
@require_POST
@domain_errors
def nightly_switch(request, slug: str):
    """DUN-8: `enabled=1` switches the nightly clean-up on, anything else off."""
    project = project_for(request.user, slug)
    enabled = request.POST.get("enabled") in {"1", "true", "on"}
    try:
        exhausted_switch(project=project, enabled=enabled, actor=request.user, now=clock.now())
    except RuleViolations as refused:
        _refused(request, refused)
    else:
        messages.success(
            request,
            _("The nightly clean-up is on.") if enabled else _("The nightly clean-up is off."),
        )
    return redirect(worklist_url(slug))
