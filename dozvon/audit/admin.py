from django.contrib import admin
from django.forms.models import model_to_dict

from dozvon.audit.models import AuditEntry
from dozvon.audit.services import audit_record
from dozvon.core import clock
from dozvon.core.admin_scope import ProjectScopedAdmin, lock_unscoped_admins


class ReadOnlyAdmin(ProjectScopedAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(ProjectScopedAdmin):
    """X-12: every configuration change made in the admin lands in the audit log."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{'change' if change else 'add'}",
            target_type=obj._meta.model_name,
            target_id=obj.pk,
            project=getattr(obj, "project", None) if obj._meta.model_name != "project" else obj,
            changes={k: form.cleaned_data.get(k) for k in form.changed_data},
            now=clock.now(),
        )

    def delete_model(self, request, obj):
        snapshot = model_to_dict(obj)
        pk, name = obj.pk, obj._meta.model_name
        project = getattr(obj, "project", None)  # so the project's supervisors see it
        super().delete_model(request, obj)
        audit_record(
            actor=request.user,
            action=f"{name}.delete",
            target_type=name,
            target_id=pk,
            project=project,
            changes=snapshot,
            now=clock.now(),
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Entries without a project (global configuration) are for superusers only."""

    list_display = ("at", "actor", "project", "action", "target_type", "target_id")
    list_filter = ("action", "target_type", "project")
    search_fields = ("target_id", "action")
    date_hierarchy = "at"


# auth's groups and django_tasks_db's task results know nothing of projects; this module
# is imported with the first dozvon admin (accounts), after those apps' admins.
lock_unscoped_admins(admin.site)
