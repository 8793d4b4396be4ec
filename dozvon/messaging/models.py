"""X-9 messages: a project's email templates, its sender settings (shop name, bank details)
and the outbox — one row per email decided on, written in the transaction that decided it
and sent by the worker (dozvon/messaging/sending.py).

The outbox row is the message: its Message-ID is generated once, when it is queued, so a
repeat after a crash (the server accepted, the worker died before marking it sent) carries
the same Message-ID and mail clients show one email. `idempotency_key` is unique: the same
decision taken twice (an effect applied again, a request repeated) finds the row it wrote.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dozvon.core import limits
from dozvon.messaging.rendering import template_problems

SUBJECT = 300
KEY = 200


class Language(models.TextChoices):
    RU = "ru", _("Russian")
    UK = "uk", _("Ukrainian")
    EN = "en", _("English")


class MailSettings(models.Model):
    """What a project's emails say about the sender: the name customers know, the From
    and Reply-To addresses, the bank details a payment request shows (DUN-4)."""

    project = models.OneToOneField(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="mail_settings",
        verbose_name=_("project"),
    )
    sender_name = models.CharField(
        _("sender name"),
        max_length=200,
        blank=True,
        help_text=_(
            "The shop's name as customers know it, in From and the signature; when empty, "
            "the name of the server's default sender (DEFAULT_FROM_EMAIL), never the "
            "project's name."
        ),
    )
    from_email = models.EmailField(
        _("From address"),
        max_length=limits.EMAIL,
        blank=True,
        help_text=_("Empty: the server's default sender."),
    )
    reply_to = models.EmailField(_("Reply-To address"), max_length=limits.EMAIL, blank=True)
    bank_details = models.TextField(
        _("bank details"),
        blank=True,
        help_text=_("Shown in payment requests: payee, account, bank, purpose of payment."),
    )

    class Meta:
        verbose_name = _("mail settings")
        verbose_name_plural = _("mail settings")

    def __str__(self) -> str:
        return str(self.sender_name or self.project)


class MessageTemplate(models.Model):
    """One email of a project in one language: subject, plain text and HTML, written in
    Django's template language over the allow-listed context of `rendering.py`. A template
    that uses anything else is refused when saved (`clean`)."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="message_templates",
        verbose_name=_("project"),
    )
    code = models.SlugField(
        _("code"),
        max_length=limits.CODE,
        help_text=_("What playbooks and the API send: bank_details, bonus_offer, …"),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.RU
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("How the order's history names this email.")
    )
    subject = models.CharField(_("subject"), max_length=SUBJECT)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    bonus_percent = models.PositiveSmallIntegerField(
        _("fixed bonus, %"),
        null=True,
        blank=True,
        help_text=_(
            "An offer at a fixed bonus (DUN-8: the final +25 %); empty when the operator "
            "chooses the percent."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        ordering = ["project", "code", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code", "language"], name="messagetemplate_project_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}, {self.get_language_display()})"

    def clean(self) -> None:
        problems = template_problems(
            subject=self.subject, body_text=self.body_text, body_html=self.body_html
        )
        if problems:
            raise ValidationError(problems)


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("order"),
        db_index=False,  # `outbox_order` starts with it
    )
    template = models.CharField(_("template"), max_length=limits.CODE)
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    reason = models.CharField(_("reason"), max_length=100)
    bonus_percent = models.PositiveSmallIntegerField(_("bonus, %"), null=True, blank=True)
    to = models.EmailField(_("recipient"), max_length=limits.EMAIL)
    from_email = models.CharField(_("sender"), max_length=400)
    reply_to = models.EmailField(_("Reply-To address"), max_length=limits.EMAIL, blank=True)
    subject = models.CharField(_("subject"), max_length=SUBJECT)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=MessageState.choices, default=MessageState.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    # a worker's claim while it sends: nobody else sends until it expires (sending.py)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    idempotency_key = models.CharField(max_length=KEY, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("queued by"),
    )
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["order", "id"], name="outbox_order"),
            # the sweep: queued messages whose task may be lost (sending.outbox_sweep)
            models.Index(
                fields=["next_attempt_at"], condition=Q(state="queued"), name="outbox_queued"
            ),
            models.Index(fields=["project", "state", "-id"], name="outbox_project_state"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.to} ({self.get_state_display()})"
