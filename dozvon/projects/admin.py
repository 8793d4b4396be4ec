from django.contrib import admin

from dozvon.audit.admin import AuditedAdmin
from dozvon.projects.models import Membership, Project


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user", "skills")


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ("name", "slug", "playbook", "time_zone", "currency", "is_active")
    search_fields = ("name", "slug")
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None):
        return False  # order history is never deleted: deactivate a project instead


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "project", "role", "line", "all_products")
    list_filter = ("project", "role")
    autocomplete_fields = ("user", "skills")
