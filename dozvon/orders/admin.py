from django.contrib import admin
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from dozvon.audit.admin import ReadOnlyAdmin
from dozvon.calls.models import CallAttempt
from dozvon.history import words as history
from dozvon.history.models import TimelineEntry
from dozvon.orders.models import Order, OrderItem
from dozvon.orders.selectors import timeline_text
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.admin_scope import ReadOnlyInline, admin_projects


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


class _PlaybookNamesFilter(admin.SimpleListFilter):
    """A status or status-group filter by the names of the playbooks of the projects the
    admin user sees (issue 24: statuses by name, never codes)."""

    kind = ""  # "statuses" or "groups"

    def lookups(self, request, model_admin):
        lang = get_language()
        names: dict[str, str] = {}
        for project in admin_projects(request.user).select_related("playbook"):
            pb = playbook_def(project.playbook)
            for code, item in getattr(pb, self.kind).items():
                named = getattr(item, "names", item)  # a status has names; a group is them
                names.setdefault(code, named.get(lang) or code)
        return sorted(names.items(), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(**{self.parameter_name: value}) if value else queryset


class StatusFilter(_PlaybookNamesFilter):
    title = _("status")
    parameter_name = "status"
    kind = "statuses"


class StatusGroupFilter(_PlaybookNamesFilter):
    title = _("status group")
    parameter_name = "status_group"
    kind = "groups"


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
    list_filter = ("project", StatusGroupFilter, StatusFilter)
    # the automation's own bookkeeping is not for people; codes are shown by their names
    exclude = (
        "extra",
        "status",
        "status_group",
        "problem",
        "payment_method",
        "payment_status",
        "bucket",
    )
    readonly_fields = (
        "status_name",
        "group_name",
        "bucket_name",
        "problem_name",
        "payment_method_name",
        "payment_status_name",
    )
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

    @admin.display(description=_("status group"))
    def group_name(self, order):
        names = playbook_def(order.project.playbook).groups.get(order.status_group)
        return names.get(get_language()) if names else order.status_group

    @admin.display(description=_("queue bucket"))
    def bucket_name(self, order):
        """Where the order waits, as the tabs that show that bucket are named (a code such
        as `unreached` is the playbook's, not a word for people)."""
        if not order.bucket:
            return "—"
        lang = get_language()
        queues = playbook_def(order.project.playbook).queues
        return ", ".join(q.names.get(lang) for q in queues if q.bucket == order.bucket) or "—"

    @admin.display(description=_("payment method"))
    def payment_method_name(self, order):
        label = history.PAYMENT_LABELS.get(order.payment_method)
        return gettext(label) if label else order.payment_method or "—"

    @admin.display(description=_("payment status"))
    def payment_status_name(self, order):
        label = history.PAYMENT_STATUS_LABELS.get(order.payment_status)
        return gettext(label) if label else order.payment_status or "—"

    @admin.display(description=_("problem"), ordering="problem")
    def problem_name(self, order):
        names = playbook_def(order.project.playbook).problems.get(order.problem)
        return names.get(get_language()) if names else order.problem
