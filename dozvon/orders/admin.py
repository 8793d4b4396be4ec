from django.contrib import admin
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dozvon.audit.admin import ReadOnlyAdmin
from dozvon.calls.models import CallAttempt
from dozvon.core.admin_scope import ReadOnlyInline
from dozvon.orders import history
from dozvon.orders.models import Order, OrderItem, TimelineEntry
from dozvon.orders.selectors import timeline_text
from dozvon.playbooks.selectors import playbook_def


class ItemInline(ReadOnlyInline):
    model = OrderItem
    project_path = "order__project"
    fields = ("sku", "name", "quantity", "unit_price", "discount_percent", "line_total", "is_main")


class CallInline(ReadOnlyInline):
    model = CallAttempt
    fields = ("started_at", "duration_s", "result", "operator")


class TimelineInline(ReadOnlyInline):
    """The order's history as the card reads it (X-6): automatic lines in words, with
    their values — not the stored message ids ("%(phone)s") — and people by name."""

    model = TimelineEntry
    project_path = "order__project"
    fields = ("at", "kind", "who", "line")
    readonly_fields = fields
    ordering = ("id",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("who"))
    def who(self, entry: TimelineEntry) -> str:
        return history.person_name(entry.actor) if entry.actor else str(_("the system"))

    @admin.display(description=_("text"))
    def line(self, entry: TimelineEntry) -> str:
        project = (entry.order or entry.interaction).project
        return timeline_text(entry, playbook_def(project.playbook))


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    """Read-mostly: orders change only through the service layer (operator UI, API)."""

    list_display = (
        "id",
        "project",
        "customer_name",
        "phone",
        "status_name",
        "problem_name",
        "total",
        "responsible",
        "created_at",
    )
    list_filter = ("project", "status_group", "status")
    list_select_related = ("project", "project__playbook", "responsible")
    search_fields = ("=id", "external_id", "customer_name", "phone")
    date_hierarchy = "created_at"
    ordering = ("-id",)
    inlines = [ItemInline, CallInline, TimelineInline]

    @admin.display(description=_("status"), ordering="status")
    def status_name(self, order):
        """Statuses by name in the admin's language, not codes (issue 12)."""
        status = playbook_def(order.project.playbook).statuses.get(order.status)
        return status.names.get(get_language()) if status else order.status

    @admin.display(description=_("problem"), ordering="problem")
    def problem_name(self, order):
        names = playbook_def(order.project.playbook).problems.get(order.problem)
        return names.get(get_language()) if names else order.problem
