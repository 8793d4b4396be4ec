from django.contrib import admin

from dozvon.audit.admin import AuditedAdmin
from dozvon.core.admin_scope import ScopedTabularInline
from dozvon.projects.models import Membership, Project


class MembershipInline(ScopedTabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user", "skills")


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ("name", "slug", "playbook", "time_zone", "currency", "is_active")
    search_fields = ("name", "slug")
    inlines = [MembershipInline]
    project_path = "id"

    def has_add_permission(self, request):
        # a new project has no supervisor yet: nobody but an administrator would see it
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # order history is never deleted: deactivate a project instead


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    """Supervisors manage memberships of the projects they supervise only: the project,
    user and product choices are limited to those projects."""

    list_display = ("user", "project", "role", "line", "all_products")
    list_filter = ("project", "role")
    autocomplete_fields = ("user", "skills")
