"""DUN-8: a supervisor's one-click clean-up of exhausted orders (POST from the worklist),
and switching the nightly clean-up on or off for the project. Both go back to the
worklist with a flash message; a user outside the project gets 404, an operator 403
(X-2); Django's CSRF middleware guards both (POST only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from dozvon.core import clock
from dozvon.core.errors import RuleViolations
from dozvon.dunning.services import exhausted_clean_up, exhausted_switch
from dozvon.projects.access import project_for
from dozvon.web.errors import domain_errors


def worklist_url(slug: str) -> str:
    try:
        return reverse("dunning:worklist", kwargs={"slug": slug})
    except NoReverseMatch:  # the worklist screen's URL, before it is registered
        return f"/p/{slug}/worklist"


def _refused(request, refused: RuleViolations) -> None:
    for v in refused.violations:
        messages.error(request, f"{v.rule}: {v.render()}")


@login_required
@require_POST
@domain_errors
def clean_up(request, slug: str):
    project = project_for(request.user, slug)
    try:
        count = exhausted_clean_up(project=project, actor=request.user, now=clock.now())
    except RuleViolations as refused:
        _refused(request, refused)
    else:
        messages.success(
            request,
            ngettext("%(count)s order cleaned up", "%(count)s orders cleaned up", count)
            % {"count": count},
        )
    return redirect(worklist_url(slug))


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
