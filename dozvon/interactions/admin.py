from django.contrib import admin

from dozvon.audit.admin import ReadOnlyAdmin
from dozvon.calls.models import CallAttempt
from dozvon.interactions.models import Interaction
from dozvon.orders.admin import TimelineInline as OrderTimelineInline
from dozvon.projects.admin_scope import ReadOnlyInline


class CallInline(ReadOnlyInline):
    model = CallAttempt
    fk_name = "interaction"
    fields = ("started_at", "duration_s", "result", "operator")


class TimelineInline(OrderTimelineInline):
    """The interaction's history in words, as the order's (orders/admin.py)."""

    fk_name = "interaction"
    project_path = "interaction__project"


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    """Read-only: interactions change only through `interactions.services`."""

    list_display = (
        "id",
        "project",
        "phone",
        "customer",
        "operator",
        "line",
        "started_at",
        "ended_at",
        "subject",
        "transferred_to",
    )
    list_filter = ("project", "line", "direction", "transferred_to")
    search_fields = ("=id", "phone", "subject")
    date_hierarchy = "started_at"
    ordering = ("-started_at", "-id")
    list_select_related = ("project", "customer", "operator")
    inlines = [CallInline, TimelineInline]
