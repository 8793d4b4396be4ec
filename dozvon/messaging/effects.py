"""The `send_message` effect (X-9), applied by the order services' effects: registered at
the EFFECTS extension point (`orders.services.effects`) from MessagingConfig.ready(). An
outcome or a trigger that sends the project's template queues it in its own transaction."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from dozvon.core.errors import RuleViolations
from dozvon.messaging.services import message_queue, queued_line, template_for


def send_message(order, effect, *, pb, now, written, actor, reason, cause):
    """X-9: queue the project's template `effect.template` in this transaction (its task
    enqueued with it), once per order, template and cause ("outcome:already_paid",
    "trigger:too_many_contacts"): the effect applied again finds the message it queued.
    Nothing blocks the outcome or the trigger when the email cannot be queued (no such
    template, no valid address): the line says why, and no message is counted."""
    why = ",".join(f"{kind}:{code}" for kind, code in sorted(cause.items())) or reason
    try:
        message, queued = message_queue(
            order=order,
            template=effect.template,
            reason=why,
            actor=actor,
            now=now,
            timeline_line=False,  # the effect's line below is the timeline's
        )
    except RuleViolations as refused:
        found = template_for(order.project, effect.template)
        data = {"template": effect.template, "name": found.name if found else effect.template}
        fields = {v.field for v in refused.violations}
        if found is None or "template" in fields:
            return N_('Email not sent (%(rule)s): no active template "%(template)s"'), data
        if "bonus_percent" in fields:  # DUN-1/2: outside the order's weeks of work
            why = next(v for v in refused.violations if v.field == "bonus_percent")
            return N_('Email "%(name)s" not sent (%(why)s): the bonus is not allowed now'), {
                **data,
                "why": why.rule,
            }
        return N_('Email "%(name)s" not sent (%(rule)s): no valid customer address'), data
    if not queued:
        return None
    _, data = queued_line(message, actor=None)
    return N_('Email "%(name)s" to %(to)s queued automatically (%(rule)s)'), data
