"""X-9 on the screens: the supervisor's outbox (emails and webhook deliveries, with "send
again"), and one email exactly as it was sent. Views parse input, call one selector or
service, and render; the access checks and the rules are the selectors' and services'."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dozvon.core import clock
from dozvon.core.errors import RuleViolations
from dozvon.core.http_errors import domain_errors
from dozvon.core.outbox_rules import retry_problems
from dozvon.history.words import person_name
from dozvon.messaging import selectors
from dozvon.messaging.models import MessageState
from dozvon.messaging.services import message_retry
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import SUPERVISE, ensure_can, is_supervising, project_for, projects_for
from dozvon.webhooks.services import delivery_retry

EMAILS, WEBHOOKS = "emails", "webhooks"
# What an email's HTML may do inside our page: nothing but show itself. The iframe is
# sandboxed (no scripts, forms, popups or same-origin access) and this policy, put in
# front of the document, keeps it from loading anything (no tracking pixels, no fonts).
HTML_POLICY = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "style-src 'unsafe-inline'; img-src data:\">"
)


def _retryable(row, now) -> bool:
    return not retry_problems(
        state=row.state,
        next_attempt_at=row.next_attempt_at,
        claimed_until=row.claimed_until,
        now=now,
    )


@login_required
@domain_errors
def outbox(request, slug):
    """The project's outbox for its supervisors: emails (or, `?kind=webhooks`, partner
    webhook deliveries with their attempt logs), newest first, by state and search."""
    project = project_for(request.user, slug)
    ensure_can(request.user, project, SUPERVISE)
    kind = WEBHOOKS if request.GET.get("kind") == WEBHOOKS else EMAILS
    state = request.GET.get("state", "")
    state = state if state in MessageState.values else ""
    q = request.GET.get("q", "").strip()[:200]
    if kind == WEBHOOKS:
        rows = selectors.webhook_deliveries(project, state=state, q=q)
    else:
        rows = selectors.outbox_messages(project, state=state, q=q)
    page = Paginator(rows, selectors.OUTBOX_PAGE).get_page(request.GET.get("page"))
    now = clock.now()
    query = {k: v for k, v in (("kind", kind), ("state", state), ("q", q)) if v}
    return render(
        request,
        "messaging/outbox.html",
        {
            "project": project,
            "projects": projects_for(request.user).order_by("name"),
            "kind": kind,
            "state": state,
            "q": q,
            "states": MessageState.choices,
            "page": page,
            "rows": [{"row": row, "retry": _retryable(row, now)} for row in page],
            "query": urlencode(query),
            "here": request.get_full_path(),
        },
    )


@login_required
@domain_errors
def message(request, message_id):
    """One email as it was sent: its headers, plain text and HTML (in a sandboxed frame,
    and as escaped source), state, attempts and error. For the people of its project."""
    shown = selectors.message_get(message_id=message_id, actor=request.user)
    project = shown.project
    supervising = is_supervising(request.user, project)
    return render(
        request,
        "messaging/message.html",
        {
            "project": project,
            "projects": projects_for(request.user).order_by("name"),
            "m": shown,
            "srcdoc": HTML_POLICY + shown.body_html if shown.body_html else "",
            "date": shown.sent_at or shown.created_at,
            "why": reason_text(shown.reason, playbook_def(project.playbook)),
            "queued_by": person_name(shown.created_by),
            "supervising": supervising,
            "retry": supervising and _retryable(shown, clock.now()),
            "here": request.get_full_path(),
        },
    )


def reason_text(reason: str, pb) -> str:
    """Why an email was queued, in words (X-9): "manual:2" → by hand, "outcome:paid" → the
    result by its name, "trigger:exhausted" → the playbook's automatic rule by its ID,
    "escalation:7" → a refund escalation (SUB-3), a rule ID as such; "" for a reason that
    says nothing to a person (the demo's)."""
    lang = get_language()
    parts = []
    for part in (reason or "").split(","):
        kind, sep, code = part.partition(":")
        if kind == "manual":
            parts.append(_("sent by hand"))
        elif kind == "outcome":
            outcome = pb.outcomes.get(code) if pb is not None else None
            name = outcome.names.get(lang) if outcome is not None else code
            parts.append(_("on the result «%(name)s»") % {"name": name})
        elif kind == "trigger":
            trigger = next((t for t in (pb.triggers if pb else ()) if t.code == code), None)
            rule = trigger.rule if trigger is not None else code
            parts.append(_("by the playbook's automatic rule %(rule)s") % {"rule": rule})
        elif kind == "escalation":
            parts.append(_("the refund request to the partner (SUB-3)"))
        elif part and not sep:
            parts.append(_("by the rule %(rule)s") % {"rule": part})
    return "; ".join(parts)


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _refused(request, exc: RuleViolations) -> None:
    for v in exc.violations:
        flash.error(request, f"{v.render()} ({v.rule})")


@login_required
@require_POST
@domain_errors
def retry(request, message_id):
    """A supervisor sends a failed email again, or a waiting one now."""
    try:
        message_retry(message_id=message_id, actor=request.user, now=clock.now())
    except RuleViolations as exc:
        _refused(request, exc)
    else:
        flash.success(request, _("The email is queued again; the worker sends it shortly."))
    return _back(request, reverse("messaging:message", args=[message_id]))


@login_required
@require_POST
@domain_errors
def webhook_retry(request, delivery_id):
    """A supervisor posts a failed webhook delivery again, or a waiting one now."""
    try:
        delivery = delivery_retry(delivery_id=delivery_id, actor=request.user, now=clock.now())
    except RuleViolations as exc:
        _refused(request, exc)
        return _back(request, reverse("web:home"))
    flash.success(request, _("The webhook is queued again; the worker posts it shortly."))
    fallback = reverse("messaging:outbox", args=[delivery.project.slug]) + "?kind=webhooks"
    return _back(request, fallback)
