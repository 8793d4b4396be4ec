"""X-9 message templates: saving one, choosing the one to send, the bonus it offers (DUN-2/4)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction

from dozvon.audit.actions import model_change
from dozvon.audit.services import audit_record
from dozvon.core.errors import violation
from dozvon.messaging import rules
from dozvon.messaging.models import MessageTemplate
from dozvon.messaging.rendering import (
    BONUS_VARIABLES,
    TemplateRefused,
    variables_of,
)
from dozvon.playbooks.selectors import playbook_def


def template_save(
    *,
    project,
    code: str,
    language: str = "ru",
    name: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    bonus_percent: int | None = None,
    is_active: bool = True,
    actor,
    now: datetime,
) -> MessageTemplate:
    """Create or change the project's template `code` in `language`; refused (Django's
    ValidationError naming the field and the variable) when it uses anything outside the
    allow-list. Audited (X-12)."""
    template = MessageTemplate.objects.filter(
        project=project, code=code, language=language
    ).first() or MessageTemplate(project=project, code=code, language=language)
    fields = {
        "name": name,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "bonus_percent": bonus_percent,
        "is_active": is_active,
    }
    changed = {k: v for k, v in fields.items() if getattr(template, k) != v}
    if template.pk and not changed:
        return template
    for key, value in fields.items():
        setattr(template, key, value)
    template.full_clean()
    with transaction.atomic():
        adding = template.pk is None
        template.save()
        audit_record(
            actor=actor,
            action=model_change("messagetemplate", "add" if adding else "change"),
            target_type="messagetemplate",
            target_id=template.pk,
            project=project,
            changes=changed,
            now=now,
        )
    return template


def template_for(project, code: str) -> MessageTemplate | None:
    """The project's active template `code` in the project's language (the project's
    `settings["language"]`, else the site's), else in another language."""
    preferred = [project.settings.get("language") or settings.LANGUAGE_CODE, "ru", "uk", "en"]
    found = {t.language: t for t in MessageTemplate.objects.filter(project=project, code=code)}
    active = {lang: t for lang, t in found.items() if t.is_active}
    return next((active[lang] for lang in preferred if lang in active), None)


def uses_bonus(template: MessageTemplate) -> bool:
    """Does the template offer a bonus (DUN-4)? TemplateRefused for one that is not valid
    (written around `template_save`, which refuses it)."""
    parts = (template.subject, template.body_text, template.body_html)
    return any(variables_of(part) & BONUS_VARIABLES for part in parts)


def bonus_percents(project) -> tuple[tuple[int, ...], str]:
    """DUN-2/4: the bonus percentages a project's offers may name, and the rule saying so:
    the playbook's `settings.bonus.tiers` (dun.toml: 15 and 25), else 15 and 25. (Which of
    them an order's week of work allows is the dunning service's check, DUN-1/2.)"""
    conf = playbook_def(project.playbook).settings.get("bonus") or {}
    tiers = conf.get("tiers") or ()
    allowed = tuple(sorted({int(p) for _, p in tiers})) or rules.DEFAULT_BONUS_PERCENTS
    return allowed, str(conf.get("rule") or "DUN-2")


def offered_bonus(template: MessageTemplate, asked: int | None) -> int | None:
    """The bonus % an email of `template` offers: the template's fixed one (DUN-8's final
    offer), else the one asked for; None for an email that offers no bonus. TemplateRefused
    for a template that is not valid."""
    if not uses_bonus(template):
        return None
    return template.bonus_percent if template.bonus_percent is not None else asked


def _template_problems(project, code: str) -> tuple[MessageTemplate | None, list]:
    """The project's active template `code` and why it cannot be used (X-9)."""
    chosen = template_for(project, code)
    if chosen is None:
        return None, [
            violation(
                "X-9",
                "template",
                'The project has no active email template "%(template)s".',
                template=code,
            )
        ]
    try:
        for part in (chosen.subject, chosen.body_text, chosen.body_html):
            variables_of(part)
    except TemplateRefused as refused:
        return chosen, [
            violation(
                "X-9",
                "template",
                'The email template "%(template)s" cannot be used: %(problem)s',
                template=code,
                problem=refused.message,
            )
        ]
    return chosen, []
