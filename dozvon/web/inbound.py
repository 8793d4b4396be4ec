"""The inbound desk (issue 15, SUB, NBO): an operator answers a call, finds the caller by
phone in any format, email, order number or name — or a softphone opens
`/p/<project>/inbound?phone=…` — sees the customer, their subscriptions (SUB), orders and
earlier interactions, and records the interaction: on a SUB project with the subscription
it was about, its outcome and the issues bought (SUB-3)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dozvon.core import clock
from dozvon.core.errors import RuleViolations
from dozvon.interactions.models import Interaction, Line, Transfer
from dozvon.interactions.selectors import callers_matching
from dozvon.interactions.services import interaction_record
from dozvon.orders.models import Order
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import projects_for
from dozvon.subscriptions import rules
from dozvon.subscriptions.models import Outcome
from dozvon.subscriptions.selectors import (
    bought_issues,
    contact_facts,
    keeps_subscriptions,
    subscriptions_of_customers,
)
from dozvon.web.errors import domain_errors
from dozvon.web.views import _project, _queues


@login_required
@domain_errors
def inbound(request, slug):
    project = _project(request, slug)
    now = clock.now()
    query = (request.GET.get("phone") or request.GET.get("q") or "").strip()[:200]
    customers = list(callers_matching(project=project, query=query, actor=request.user))
    pb = playbook_def(project.playbook)
    lang = get_language()
    status_names = {code: s.names.get(lang) for code, s in pb.statuses.items()}
    sub_project = keeps_subscriptions(project)
    subs = (
        subscriptions_of_customers(project=project, customer_ids=[c.pk for c in customers])
        if sub_project
        else {}
    )
    bought = bought_issues(s.pk for items in subs.values() for s in items)
    callers = [
        {
            "customer": c,
            "subscriptions": [
                {
                    "subscription": s,
                    "purchasable": contact_facts(s, bought.get(s.pk, set())).purchasable,
                    "bought": sorted(bought.get(s.pk, set())),
                }
                for s in subs.get(c.pk, [])
            ],
            "orders": [
                {"order": o, "status": status_names.get(o.status, o.status)}
                for o in Order.objects.filter(project=project, customer=c).order_by("-id")[:10]
            ],
            "interactions": list(
                Interaction.objects.filter(project=project, customer=c)
                .select_related("operator")
                .order_by("-started_at")[:10]
            ),
        }
        for c in customers
    ]
    return render(
        request,
        "web/inbound.html",
        {
            "project": project,
            "projects": projects_for(request.user).order_by("name"),
            "queues": _queues(project, now, request.user),
            "query": query,
            "callers": callers,
            "lines": Line.choices,
            "sub_project": sub_project,
            "outcomes": Outcome.choices,
            "transfers": Transfer.choices,
            "form": request.session.pop("dozvon_inbound_form", {}),
            "errors": request.session.pop("dozvon_inbound_errors", {}),
        },
    )


@login_required
@domain_errors
def inbound_record(request, slug):
    project = _project(request, slug)
    back = reverse("web:inbound", args=[slug])
    if request.method != "POST":
        return redirect(back)
    form = {
        k: request.POST.get(k, "")[:5000]
        for k in (
            "phone",
            "line",
            "subject",
            "comment",
            "transferred_to",
            "subscription",
            "outcome",
        )
    }
    # SUB-3: the subscription the contact is about, its outcome and the issues bought
    subscription = rules.parse_int(form["subscription"]) if form["subscription"] else None
    issues = (
        rules.numbers_of(request.POST.getlist(f"issues_{subscription}")[:1000])
        if subscription
        else []
    )
    form["issues"] = [str(n) for n in issues]
    try:
        interaction = interaction_record(
            project=project,
            actor=request.user,
            phone=form["phone"],
            line=form["line"] or Line.FIRST,
            subject=form["subject"],
            comment=form["comment"],
            transferred_to=form["transferred_to"],
            subscription=subscription,
            outcome=form["outcome"] or None,
            issues=issues or None,
            now=clock.now(),
        )
    except RuleViolations as exc:
        errors: dict[str, list[str]] = {}
        for v in exc.violations:
            errors.setdefault(v.field, []).append(f"{v.render()} ({v.rule})")
        request.session["dozvon_inbound_form"] = form
        request.session["dozvon_inbound_errors"] = errors
        response = redirect(f"{back}?phone={form['phone']}")
        response.status_code = 303
        return response
    messages.success(request, _("Interaction #%(id)s recorded.") % {"id": interaction.pk})
    response = redirect(f"{back}?phone={interaction.phone}")
    response.status_code = 303
    return response
