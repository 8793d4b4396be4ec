"""The inbound desk (issue 15): an operator answers a call, finds the caller by phone in
any format, email, order number or name — or a softphone opens
`/p/<project>/inbound?phone=…` — sees the customer, their orders and earlier
interactions, and records the interaction. An operator's interaction is on the
operator's own line, shown and not chosen (X-2, NBO-3); a supervisor chooses it. A search
by name or email leaves the phone field empty (only a phone searched, or the only
caller's, fills it).

What a playbook adds to the desk comes from its plug-in's blocks
(dozvon.interactions.desk, `plugins.INBOUND`): on a SUB project each caller's
subscriptions, the contact's outcome and the shop order for the issues bought (SUB-3…5);
on an NBO project the number's offers and the answers to them (NBO-1…6). Each block
shows its own templates in the desk's slots, reads its part of the record form and
records it in the interaction's transaction."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dozvon.core import clock
from dozvon.core.errors import RuleViolations
from dozvon.core.http_errors import domain_errors
from dozvon.core.phones import parse_phone
from dozvon.interactions.desk import (
    SESSION_ERRORS,
    SESSION_FORM,
    SLOTS,
    DeskView,
    back_to_desk,
    desk_blocks,
    desk_refused,
    known_fields,
)
from dozvon.interactions.models import Interaction, Line, Transfer
from dozvon.interactions.selectors import callers_matching, operator_line_code
from dozvon.interactions.services import inbound_contact
from dozvon.orders.models import Order
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import projects_for
from dozvon.projects.http import project_or_404
from dozvon.queues.tabs import queue_tabs

# the record form's own fields (the blocks read theirs)
FORM_FIELDS = ("phone", "line", "subject", "comment", "transferred_to")


def _desk_phone(query: str, form: dict, callers: list[dict]) -> str:
    """The number the record form (and NBO's offers) is about: the one typed in a refused
    form, the searched one when it is a phone, else the only caller's."""
    if form.get("phone"):
        return form["phone"]
    if parse_phone(query).e164:
        return query
    if len(callers) == 1:
        return callers[0]["customer"].phone
    return ""


@login_required
@domain_errors
def inbound(request, slug):
    project = project_or_404(request, slug)
    now = clock.now()
    query = (request.GET.get("phone") or request.GET.get("q") or "").strip()[:200]
    customers = list(callers_matching(project=project, query=query, actor=request.user))
    pb = playbook_def(project.playbook)
    blocks = desk_blocks(pb)
    lang = get_language()
    status_names = {code: s.names.get(lang) for code, s in pb.statuses.items()}
    callers = [
        {
            "customer": c,
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
    form = request.session.pop(SESSION_FORM, {})
    errors = request.session.pop(SESSION_ERRORS, {})
    phone = _desk_phone(query, form, callers)
    own_line = operator_line_code(request.user, project)
    view = DeskView(
        request=request,
        project=project,
        pb=pb,
        query=query,
        phone=phone,
        customers=customers,
        form=form,
        errors=errors,
        known_fields=known_fields(blocks),
    )
    # the playbook's blocks that show something, with their variables; in each caller's
    # entry the blocks' variables of that caller
    shown = [(b, data) for b in blocks if (data := b.context(view)) is not None]
    for c in callers:
        for b, data in shown:
            if b.caller is not None:
                _add(c, b.caller(data, c["customer"]), b)
    context = {
        "project": project,
        "projects": projects_for(request.user).order_by("name"),
        "queues": queue_tabs(project, now, request.user),
        "query": query,
        "phone": phone,
        "callers": callers,
        "lines": Line.choices,
        # X-2/NBO-3: an operator's interactions are on the operator's own line, shown
        # and not chosen; a supervisor chooses
        "line": own_line or form.get("line") or Line.FIRST,
        "line_fixed": own_line is not None,
        "transfers": Transfer.choices,
        "form": form,
        "errors": errors,
        # the blocks' templates by slot
        "desk": {
            slot: [b.templates[slot] for b, _data in shown if slot in b.templates] for slot in SLOTS
        },
        "desk_class": " ".join(
            c for b, data in shown if b.desk_class and (c := b.desk_class(data))
        ),
        "search_hint": next((b.search_hint for b, _data in shown if b.search_hint), ""),
        # NBO-6: an earlier interaction's page, when the playbook has one
        "interaction_url": next((b.interaction_url for b, _d in shown if b.interaction_url), ""),
    }
    for block, data in shown:
        _add(context, data, block)
    return render(request, "web/inbound.html", context)


def _add(context: dict, variables: dict, block) -> None:
    """A block's variables, never one of the desk's own (nor another block's)."""
    clash = set(context) & set(variables)
    if clash:
        raise ValueError(f"desk block {block.name!r} would replace {sorted(clash)}")
    context.update(variables)


@login_required
@domain_errors
def inbound_record(request, slug):
    project = project_or_404(request, slug)
    if request.method != "POST":
        return redirect(reverse("web:inbound", args=[slug]))
    blocks = desk_blocks(playbook_def(project.playbook))
    for block in blocks:  # a block's own form posted here (SUB-5's promo code)
        for marker, handle in block.actions.items():
            if marker in request.POST:
                return handle(request, project)
    form = {k: request.POST.get(k, "")[:5000] for k in FORM_FIELDS}
    now = clock.now()
    parts = [block.parse(request, project, now=now) for block in blocks if block.parse]
    for part in parts:
        form.update(part.form)
    try:
        interaction = inbound_contact(
            project=project,
            actor=request.user,
            contact={
                "phone": form["phone"],
                "line": form["line"] or None,  # an operator's own line
                "subject": form["subject"],
                "comment": form["comment"],
                "transferred_to": form["transferred_to"],
            },
            parts=parts,
            now=now,
        )
    except RuleViolations as exc:
        return desk_refused(request, project, form["phone"], exc, form)
    messages.success(request, _("Interaction #%(id)s recorded.") % {"id": interaction.pk})
    for part in parts:
        if part.done:
            part.done(request, interaction)
    return back_to_desk(project, interaction.phone)
