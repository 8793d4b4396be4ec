from django.contrib import admin

from dozvon.audit.admin import ReadOnlyAdmin
from dozvon.calls.models import CallAttempt
from dozvon.orders.models import Order, OrderItem, TimelineEntry


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ItemInline(_ReadOnlyInline):
    model = OrderItem
    fields = ("sku", "name", "quantity", "unit_price", "discount_percent", "line_total", "is_main")


class CallInline(_ReadOnlyInline):
    model = CallAttempt
    fields = ("started_at", "duration_s", "result", "operator")


class TimelineInline(_ReadOnlyInline):
    model = TimelineEntry
    fields = ("at", "kind", "actor", "text")
    ordering = ("id",)


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    """Read-mostly: orders change only through the service layer (operator UI, API)."""

    list_display = (
        "id",
        "project",
        "customer_name",
        "phone",
        "status",
        "bucket",
        "total",
        "responsible",
        "created_at",
    )
    list_filter = ("project", "status_group", "status")
    search_fields = ("=id", "external_id", "customer_name", "phone")
    date_hierarchy = "created_at"
    list_select_related = ("project", "responsible")
    inlines = [ItemInline, CallInline, TimelineInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(
            project__memberships__user=request.user, project__memberships__role="supervisor"
        )
