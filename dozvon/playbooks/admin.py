from django.contrib import admin

from dozvon.audit.admin import ReadOnlyAdmin
from dozvon.core.admin_scope import ScopedTabularInline
from dozvon.playbooks import models as m


class _Inline(ScopedTabularInline):
    project_path = None  # a playbook is global configuration, the same for every project
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GroupInline(_Inline):
    model = m.StatusGroup
    fields = ("code", "name_ru", "name_uk", "name_en")


class StatusInline(_Inline):
    model = m.Status
    fields = ("code", "group", "name_ru", "name_uk", "name_en", "is_initial")


class OutcomeInline(_Inline):
    model = m.Outcome
    fields = (
        "code",
        "rule",
        "status",
        "name_ru",
        "requires",
        "forbids",
        "problems",
        "checks",
        "routes",
        "roles",
    )


class ProblemInline(_Inline):
    model = m.Problem
    fields = ("code", "name_ru", "name_uk", "name_en")


class QueueInline(_Inline):
    model = m.Queue
    fields = ("code", "name_ru", "callable", "take", "match")


@admin.register(m.Playbook)
class PlaybookAdmin(ReadOnlyAdmin):
    """Inspect-only: a playbook changes by loading its file (`dozvon setup`), audited."""

    list_display = ("code", "name", "version", "loaded_at")
    readonly_fields = (
        "code",
        "name_ru",
        "name_uk",
        "name_en",
        "version",
        "loaded_at",
        "source_sha256",
    )
    exclude = ("definition",)
    inlines = [GroupInline, StatusInline, ProblemInline, OutcomeInline, QueueInline]
    project_path = None

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff
