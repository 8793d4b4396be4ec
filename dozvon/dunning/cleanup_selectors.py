"""DUN-8: what the supervisor's clean-up of exhausted orders will do, read before it is
done (issue 23 item 13): the orders it will cancel — exactly the ones the playbook's
`exhausted` trigger would apply to now (`automation.selectors.trigger_candidates`) — and
for each the final offer email it will send (to whom, its subject, its bonus), or why
none will go, and the orders it leaves alone while an operator is working on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OuterRef
from django.utils.translation import gettext as _

from dozvon.automation.selectors import messages_count
from dozvon.core.errors import RuleViolations
from dozvon.dunning.services import exhausted_order_ids, exhausted_trigger
from dozvon.messaging.models import MailSettings
from dozvon.messaging.rendering import TemplateRefused, message_context, render
from dozvon.messaging.rules import recipient_problems
from dozvon.messaging.template_services import offered_bonus, template_for
from dozvon.orders.claims import claim_is_live
from dozvon.orders.models import Order
from dozvon.playbooks.selectors import playbook_def

SEND = "send_message"
CANCEL = "cancel"


@dataclass(frozen=True)
class CleanUpRow:
    """One exhausted order and what the clean-up does to it."""

    order: Order
    contacts: int  # emails sent + call attempts (DUN-8)
    email_to: str  # the final offer's recipient, "" when none goes
    email_subject: str
    bonus_percent: int | None
    no_email_because: list[str]  # why no email goes (translated messages)
    being_worked: bool  # an operator's live claim: left alone until the next run


@dataclass(frozen=True)
class CleanUpPreview:
    template_name: str  # the final offer's name, "" when the trigger sends none
    cancel_status: str  # the status the orders get (its code)
    rows: list[CleanUpRow]

    @property
    def to_cancel(self) -> list[CleanUpRow]:
        return [r for r in self.rows if not r.being_worked]

    @property
    def emails(self) -> int:
        return sum(1 for r in self.to_cancel if r.email_to)

    @property
    def order_ids(self) -> list[int]:
        return [r.order.pk for r in self.to_cancel]


def clean_up_preview(project, *, now: datetime) -> CleanUpPreview:
    """DUN-8: the clean-up's orders, newest first, each with the email it gets."""
    pb = playbook_def(project.playbook)
    trigger = exhausted_trigger(pb)
    if trigger is None:
        return CleanUpPreview("", "", [])
    send = next((e for e in trigger.effects if e.kind == SEND), None)
    cancel = next((e for e in trigger.effects if e.kind == CANCEL), None)
    template = template_for(project, send.template) if send else None
    settings = MailSettings.objects.filter(project=project).first()
    orders = (
        Order.objects.filter(pk__in=exhausted_order_ids(project, trigger=trigger, now=now))
        .select_related("project", "customer")
        .prefetch_related("items")
        .annotate(contacts=F("calls_total") + messages_count(OuterRef("pk")))
        .order_by("-created_at", "-id")
    )
    rows = []
    for order in orders:
        email = (order.customer.email or "").strip()
        problems = [v.render() for v in recipient_problems(email)] if send else []
        subject, percent = "", None
        if send and template is None:
            problems.append(_("The project has no email template for the final offer."))
        elif send and not problems:
            try:
                percent = offered_bonus(template, None)
                context = message_context(order, mail_settings=settings, bonus_percent=percent)
                subject = render(template, context).subject
            except (TemplateRefused, RuleViolations) as refused:
                problems.append(getattr(refused, "message", str(refused)))
        rows.append(
            CleanUpRow(
                order=order,
                contacts=order.contacts,
                email_to=email if send and not problems else "",
                email_subject=subject,
                bonus_percent=percent,
                no_email_because=problems,
                being_worked=claim_is_live(order, now=now),
            )
        )
    return CleanUpPreview(
        template_name=template.name if template is not None else "",
        cancel_status=(cancel.status if cancel else "") or "",
        rows=rows,
    )
