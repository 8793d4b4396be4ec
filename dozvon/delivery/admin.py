"""COD-13, SHOP-7: the rate tables a supervisor edits; project-scoped (X-1) and audited
(X-12) like every dozvon admin."""

from django.contrib import admin

from dozvon.audit.admin import AuditedAdmin
from dozvon.delivery.models import DeliveryMethod, DeliveryRate


@admin.register(DeliveryMethod)
class DeliveryMethodAdmin(AuditedAdmin):
    list_display = ("name_ru", "code", "project", "kind", "offer", "sort_order", "is_active")
    list_filter = ("project", "kind", "offer", "is_active")
    search_fields = ("code", "name_ru", "name_uk", "name_en")
    list_select_related = ("project",)
    ordering = ("project", "sort_order", "code")


@admin.register(DeliveryRate)
class DeliveryRateAdmin(AuditedAdmin):
    """The project of a rate is its method's: not typed, so the two cannot disagree."""

    list_display = (
        "method",
        "project",
        "region",
        "city",
        "cost",
        "days_min",
        "days_max",
        "free_from",
        "is_active",
    )
    list_filter = ("project", "method", "is_active")
    search_fields = ("region", "city", "method__code", "method__name_ru")
    list_select_related = ("project", "method")
    exclude = ("project",)
    ordering = ("project", "method__sort_order", "method__code", "region", "city")

    def save_model(self, request, obj, form, change):
        obj.project_id = obj.method.project_id
        super().save_model(request, obj, form, change)
