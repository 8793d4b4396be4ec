"""DUN payments in the admin: read-only (written by the payments service only), each
supervisor sees the payments of the projects he supervises (X-1, core/admin_scope)."""

from __future__ import annotations

from django.contrib import admin

from dozvon.audit.admin import ReadOnlyAdmin
from dozvon.payments.models import Payment


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "paid_at",
        "reference",
        "amount",
        "currency",
        "order",
        "attributed_to",
        "attributed_kind",
        "project",
    )
    list_filter = ("project", "attributed_kind", "currency")
    list_select_related = ("project", "order", "attributed_to")
    search_fields = ("reference", "order__external_id")
    date_hierarchy = "paid_at"
    raw_id_fields = ("order",)
