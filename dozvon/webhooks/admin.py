"""Partner webhooks in the admin: a project's endpoints (project-scoped, X-1; audited,
X-12; the secret generated and shown read-only) and the deliveries with their attempt
log, read-only (written by the services and the worker only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dozvon.audit.admin import AuditedAdmin, ReadOnlyAdmin
from dozvon.projects.admin_scope import ScopedTabularInline
from dozvon.webhooks.models import EVENT_KINDS, WebhookAttempt, WebhookDelivery, WebhookEndpoint


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    kinds = forms.MultipleChoiceField(
        label=_("event kinds"),
        choices=EVENT_KINDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("project", "url", "kinds", "active")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "project", "active", "created_at")
    list_filter = ("project", "active")
    list_select_related = ("project",)
    search_fields = ("url",)
    readonly_fields = ("secret",)
    ordering = ("-id",)
    fields = ("project", "url", "kinds", "active", "secret")


class WebhookAttemptInline(ScopedTabularInline):
    model = WebhookAttempt
    project_path = "delivery__project"
    fields = ("at", "status_code", "error", "duration_ms")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "event_id", "endpoint", "state", "attempts", "last_status")
    list_filter = ("project", "state")
    list_select_related = ("endpoint",)
    search_fields = ("endpoint__url",)
    date_hierarchy = "created_at"
    ordering = ("-id",)
    raw_id_fields = ("change", "adjustment_event")
    exclude = ("claimed_until", "claim_token")
    inlines = (WebhookAttemptInline,)
