from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from dozvon.accounts.models import ApiToken, User
from dozvon.audit.admin import AuditedAdmin
from dozvon.core.admin_scope import ScopedTabularInline, user_manageable_by
from dozvon.projects.models import Membership, Project


class MembershipInline(ScopedTabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("skills",)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    """Supervisors see the members of the projects they supervise and nobody else; they
    edit only plain accounts of those projects (and their own), and never the flags and
    permissions that open the admin (X-2: administrators are superusers)."""

    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "is_active", "is_superuser")
    project_path = "memberships__project"
    superuser_fields = ("is_superuser", "is_staff", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return fields + self.superuser_fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or user_manageable_by(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        # a user's history (timeline, audit, calls) spans projects: administrators only
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("user", "prefix", "scope", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "scope", "created_at", "last_used_at", "revoked")
    project_path = "user__memberships__project"

    @admin.display(description=_("scopes"))
    def scope(self, obj):
        scopes = obj.project_scopes()
        if scopes is None:
            return _("the user's roles")
        slugs = dict(Project.objects.filter(pk__in=list(scopes)).values_list("pk", "slug"))
        return "; ".join(
            f"{slugs.get(pk, pk)}: {', '.join(sorted(names))}" for pk, names in scopes.items()
        )

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return [f for f in fields if f != "scope"]  # may name projects he does not supervise

    def has_add_permission(self, request):
        return False  # tokens are created by `dozvon token create`, shown once

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or user_manageable_by(request.user, obj.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or user_manageable_by(request.user, obj.user))
