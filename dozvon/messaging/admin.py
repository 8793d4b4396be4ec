"""X-9 in the admin: a project's email templates (with a preview on the project's latest
order) and mail settings, project-scoped (X-1) and audited (X-12); the outbox read-only."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dozvon.audit.admin import AuditedAdmin, ReadOnlyAdmin
from dozvon.messaging import selectors
from dozvon.messaging.models import MailSettings, MessageTemplate, OutboxMessage
from dozvon.messaging.views import reason_text
from dozvon.playbooks.selectors import playbook_def


@admin.register(MailSettings)
class MailSettingsAdmin(AuditedAdmin):
    list_display = ("project", "sender_name", "from_email", "reply_to")
    list_select_related = ("project",)
    search_fields = ("sender_name", "from_email")


@admin.register(MessageTemplate)
class MessageTemplateAdmin(AuditedAdmin):
    list_display = ("name", "code", "language", "project", "is_active", "updated_at")
    list_filter = ("project", "language", "is_active")
    list_select_related = ("project",)
    search_fields = ("code", "name", "subject")
    readonly_fields = ("allowed_variables", "preview")
    fieldsets = (
        (None, {"fields": ("project", "code", "language", "name", "bonus_percent", "is_active")}),
        (_("Letter"), {"fields": ("subject", "body_text", "body_html", "allowed_variables")}),
        (_("Preview"), {"fields": ("preview",)}),
    )

    @admin.display(description=_("variables"))
    def allowed_variables(self, obj):
        return format_html("<code>{}</code>", selectors.allowed_variables_help())

    @admin.display(description=_("preview on the project's latest order"))
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Save the template to see it on a real order.")
        shown = selectors.template_preview(obj)
        if shown is None:
            return gettext("The project has no orders yet.")
        return format_html(
            '<p>{} <a href="{}">№{}</a></p>'
            "<p><strong>{}</strong></p>"
            '<pre style="white-space:pre-wrap">{}</pre>'
            '<iframe sandbox="" srcdoc="{}" style="width:100%;height:24em;border:1px solid #ccc">'
            "</iframe>",
            gettext("Order"),
            reverse("admin:orders_order_change", args=[shown.order_id]),
            shown.order_number,
            shown.subject,
            shown.body_text,
            # escaped even when the rendering is marked safe: the frame's document is
            # the attribute's text (a quote in the email must not end the attribute)
            escape(shown.body_html or shown.body_text),
        )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """What was queued, sent and failed (read-only: the outbox is written by the services
    and the worker only)."""

    list_display = ("created_at", "name", "to", "state", "attempts", "sent_at", "project")
    list_filter = ("project", "state", "template")
    list_select_related = ("project",)
    search_fields = ("to", "subject", "message_id")
    date_hierarchy = "created_at"
    raw_id_fields = ("order",)
    # the worker's bookkeeping, the raw reason code and the HTML source are not for people:
    # why it was sent is in words, and the email itself is on its own page (issue 24)
    exclude = ("claimed_until", "claim_token", "idempotency_key", "reason", "body_html")
    readonly_fields = ("why", "email_page")

    @admin.display(description=_("reason"))
    def why(self, message: OutboxMessage) -> str:
        pb = playbook_def(message.project.playbook) if message.project_id else None
        return reason_text(message.reason, pb) or "—"

    @admin.display(description=_("the email"))
    def email_page(self, message: OutboxMessage) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("messaging:message", args=[message.pk]), gettext("Open")
        )
