"""Emails through the outbox: one email queued once per idempotency key inside a
savepoint (refusals returned, the caller's transaction goes on), a plan's name in the
project's language and the partner's contact address. The outbox service
(`messaging.services.message_queue_to`) is imported when called.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from dozvon.core.errors import RuleViolations, Violation
from dozvon.messaging.rules import recipient_problems
from dozvon.messaging.services import message_queue_to
from dozvon.subscriptions.models import Plan

# --- emails through the outbox ---------------------------------------------------------------


def queue_email(
    *,
    project,
    to: str,
    customer_name: str,
    template: str,
    key: str,
    context: Mapping[str, Any],
    actor,
    now: datetime,
) -> tuple[Any, list[Violation]]:
    """One email through the outbox, once per `key`: (the message, []) or (None, why not)
    — refused inside a savepoint, so the caller's transaction goes on."""
    problems = recipient_problems((to or "").strip())
    if problems:
        return None, problems
    try:
        with transaction.atomic():
            result = message_queue_to(
                project=project,
                to=to.strip(),
                customer_name=customer_name,
                template=template,
                key=key,
                context=dict(context),
                actor=actor,
                now=now,
            )
    except RuleViolations as refused:
        return None, refused.violations
    return (result[0] if isinstance(result, tuple) else result), []


def plan_name(project, plan: str) -> str:
    """The plan's name in the project's language, as an email shows it."""
    with translation.override(project.settings.get("language") or settings.LANGUAGE_CODE):
        return str(Plan(plan).label)


def partner_email(project) -> str:
    """SUB-3: where refund requests go — the project's partner contact (project settings
    `partner_email`)."""
    return str((project.settings or {}).get("partner_email") or "").strip()
