"""The playbook in the admin, inspect-only and readable (issue 24 item 6): its statuses by
group, its outcomes with the rules they check, its queues with what they hold — tables in
words (`admin/playbooks/playbook/change_form.html`), no raw JSON. A playbook changes by
loading its file (`dozvon setup`), audited."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dozvon.audit.admin import ReadOnlyAdmin, register_code_names
from dozvon.playbooks import models as m
from dozvon.projects.models import Role

# The order fields an outcome requires or forbids, as the card names them
FIELDS = {
    "problem": _("problem"),
    "comment": _("comment"),
    "callback_at": _("call back at"),
    "reason": _("reason"),
    "payment_method": _("payment method"),
    "delivery_date": _("delivery date"),
    "delivery_address": _("delivery address"),
    "delivery_time_from": _("delivery time from"),
    "delivery_time_to": _("delivery time to"),
    "days": _("days"),
    "promised_on": _("promised payment date"),
}
# What each check requires, in words: `playbooks/rules.py`'s and the plug-ins' (e.g.
# `dunning/checks.py`)
CHECKS = {
    "requires_call_made": _("a call was made"),
    "requires_failed_call": _("a call was not answered"),
    "requires_future": _("the date is in the future"),
    "requires_items": _("the order has items"),
    "requires_other_orders": _("the customer has other orders"),
    "requires_region_in": _("the address is in the delivery area"),
    "requires_email": _("the customer has an email address"),
    "min_calls_within": _("enough calls within the hours"),
    "calls_on_consecutive_days": _("calls on consecutive days"),
    "min_time_window": _("a long enough delivery time window"),
    "forbidden_after_status": _("not after the given status"),
    "max_goods_total": _("the goods total is within the limit"),
    "value_in": _("the value is one of the allowed"),
    "required_choice": _("one of the listed choices"),
    "postpone_rules": _("postponement limits"),
    "calling_discipline": _("calling discipline"),
    "comment_in_russian": _("the comment is in Russian"),
}
# Which orders a queue holds (`match.bucket`, `match.created`) and how it hands them out
BUCKETS = {
    "new": _("new orders"),
    "unreached": _("not reached"),
    "in_work": _("in work"),
    "call_back": _("to call back"),
    "worklist": _("the worklist"),
    "placed": _("placed orders"),
}
CREATED = {
    "today": _("received today"),
    "yesterday": _("received yesterday"),
    "day_before": _("received the day before yesterday"),
    "earlier": _("received earlier"),
}
TAKES = {"oldest_first": _("next order, oldest first"), "list": _("the operator picks")}


def _words(codes, names) -> str:
    return ", ".join(str(names.get(c, c)) for c in codes or ()) or "—"


def _roles(codes) -> str:
    labels = dict(Role.choices)
    return _words(codes, labels)


def _checks(outcome: m.Outcome) -> list[str]:
    lines = []
    for check in outcome.checks or ():
        words = str(CHECKS.get(check.get("check"), check.get("check")))
        rule = check.get("rule") or outcome.rule
        lines.append(f"{words} ({rule})")
    return lines


def _holds(queue: m.Queue) -> str:
    match = queue.match or {}
    parts = [str(BUCKETS.get(match.get("bucket"), match.get("bucket") or ""))]
    if match.get("created") and match["created"] != "any":
        parts.append(str(CREATED.get(match["created"], match["created"])))
    low, high = match.get("min_failed_calls"), match.get("max_failed_calls")
    if low is not None:
        parts.append(str(_("from %(n)s unanswered calls") % {"n": low}))
    if high is not None:
        parts.append(str(_("up to %(n)s unanswered calls") % {"n": high}))
    if match.get("unassigned_only"):
        parts.append(str(_("not assigned to anyone")))
    return ", ".join(p for p in parts if p) or "—"


def playbook_tables(playbook: m.Playbook) -> dict:
    """The playbook as the admin page shows it: plain rows of words."""
    statuses = m.Status.objects.filter(playbook=playbook).select_related("group")
    problems = {p.code: p.name for p in m.Problem.objects.filter(playbook=playbook)}
    outcomes = m.Outcome.objects.filter(playbook=playbook).select_related("status")
    queues = m.Queue.objects.filter(playbook=playbook)
    return {
        "statuses": [
            {"group": s.group.name, "name": s.name, "code": s.code, "initial": s.is_initial}
            for s in statuses.order_by("group__position", "position")
        ],
        "problems": [{"name": name, "code": code} for code, name in problems.items()],
        "outcomes": [
            {
                "name": o.name,
                "code": o.code,
                "rule": o.rule,
                "status": o.status.name,
                "requires": _words(o.requires, FIELDS),
                "forbids": _words(o.forbids, FIELDS),
                "problems": _words(o.problems, problems),
                "checks": _checks(o),
                "roles": _roles(o.roles) if o.roles else _("operators and supervisors"),
            }
            for o in outcomes.order_by("position")
        ],
        "queues": [
            {
                "name": q.name,
                "code": q.code,
                "callable": q.callable,
                "take": TAKES.get(q.take, q.take),
                "holds": _holds(q),
                "roles": _roles((q.match or {}).get("roles")),
            }
            for q in queues.order_by("position")
        ],
    }


@register_code_names
def playbook_code_names(project) -> dict[str, str]:
    """The audit log's changes in words (issue 24 item 6): the codes of the project's
    playbook (statuses, problems, outcomes, queues) → names."""
    names: dict[str, str] = {}
    if project.playbook_id is None:
        return names
    for model in (m.Queue, m.Problem, m.Outcome, m.Status):  # a status wins over a namesake
        for item in model.objects.filter(playbook_id=project.playbook_id):
            names[item.code] = item.name
    return names


@admin.register(m.Playbook)
class PlaybookAdmin(ReadOnlyAdmin):
    """Inspect-only: a playbook changes by loading its file (`dozvon setup`), audited."""

    list_display = ("code", "title", "version", "loaded_at")
    fields = ("code", "name_ru", "name_uk", "name_en", "version", "loaded_at")
    readonly_fields = fields
    change_form_template = "admin/playbooks/playbook/change_form.html"
    project_path = None

    @admin.display(description=_("name"), ordering="name_ru")
    def title(self, playbook: m.Playbook) -> str:
        return playbook.name

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def change_view(self, request, object_id, form_url="", extra_context=None):
        playbook = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if playbook is not None:
            extra["playbook_tables"] = playbook_tables(playbook)
        return super().change_view(request, object_id, form_url, extra_context=extra)
