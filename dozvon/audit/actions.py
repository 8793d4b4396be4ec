"""X-12: every action the audit log records, typed, in one place per owner (like Zulip's
`AuditLogEventType`): the engine's and the base's in `AuditAction`, each playbook
plug-in's in its own enum of the same kind, registered at the AUDIT_ACTIONS extension
point (`dozvon.core.plugins`) from its `ready()`. The value is what the log stores
(`<object>.<verb>`), the label what a supervisor reads.

A configuration row added, changed or deleted (in the admin, a message template, a SUB
collection) is `model_change(model_name, verb)`: "<Verb>: <object>" in words.
`audit.services.audit_record` refuses an action none of them declares, so a new one is
declared, and named in words, before it can be written."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dozvon.core import plugins


class AuditAction(models.TextChoices):
    # orders (orders.services.events.Event)
    ORDER_INTAKE = "order.intake", _("Order received")
    ORDER_AUTO_INVALIDATE = "order.auto_invalidate", _("Order marked invalid automatically")
    ORDER_ITEM_ADD = "order.item_add", _("Item added to the order")
    ORDER_EDIT = "order.edit", _("Order edited")
    ORDER_COMMENT = "order.comment", _("Comment on the order")
    ORDER_OUTCOME = "order.outcome", _("Call outcome applied")
    ORDER_RELEASE = "order.release", _("Order released")
    ORDER_REOPEN = "order.reopen", _("Order reopened")
    ORDER_EFFECT = "order.effect", _("Outcome's effect applied automatically")
    ORDER_TRIGGER = "order.trigger", _("Playbook trigger applied")
    ORDER_PAYMENT = "order.payment", _("Payment reported")
    ORDER_REPORT = "order.report", _("Partner reported about the order")
    CALL_RECORD = "call.record", _("Call recorded")
    MESSAGE_QUEUE = "message.queue", _("Email queued")
    MESSAGE_SEND = "message.send", _("Email sent")
    MESSAGE_FAIL = "message.fail", _("Email not delivered")
    # inbound interactions
    INTERACTION_START = "interaction.start", _("Interaction started")
    INTERACTION_RECORD = "interaction.record", _("Interaction recorded")
    INTERACTION_EDIT = "interaction.edit", _("Interaction corrected")
    INTERACTION_COMMENT = "interaction.comment", _("Comment on the interaction")
    INTERACTION_CALL = "interaction.call", _("Call in the interaction")
    INTERACTION_OFFER = "interaction.offer", _("Offer voiced")
    INTERACTION_ADJUSTMENT = "interaction.adjustment", _("Balance adjustment")
    # configuration and integrations
    PLAYBOOK_LOAD = "playbook.load", _("Playbook loaded")
    PLAYBOOK_RELOAD = "playbook.reload", _("Playbook reloaded")
    TRIGGER_SWITCH = "trigger.switch", _("Trigger switched on or off")
    MEMBERSHIP_ADD = "membership.add", _("Member added to the project")
    TOKEN_CREATE = "token.create", _("API token created")
    WEBHOOK_RETRY = "webhook.retry", _("Webhook delivery retried")


CHANGE_VERBS = ("add", "change", "delete")


def model_change(model_name: str, verb: str) -> str:
    """A configuration row of `model_name` added, changed or deleted."""
    if not model_name or verb not in CHANGE_VERBS:
        raise ValueError(f"not a configuration change: {model_name!r}.{verb!r}")
    return f"{model_name}.{verb}"


def declared() -> dict[str, str]:
    """Every declared action and its label: the engine's and the plug-ins'."""
    found = {a.value: a.label for a in AuditAction}
    for actions in plugins.items(plugins.AUDIT_ACTIONS):
        found.update({a.value: a.label for a in actions})
    return found


def is_declared(action: str) -> bool:
    if action in AuditAction._value2member_map_ or action in declared():
        return True
    subject, _dot, verb = action.rpartition(".")
    return bool(subject) and verb in CHANGE_VERBS
