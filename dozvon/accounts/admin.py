from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from dozvon.accounts.models import ApiToken, User
from dozvon.audit.admin import AuditedAdmin
from dozvon.projects.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("skills",)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "is_active", "is_superuser")


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("user", "prefix", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked")

    def has_add_permission(self, request):
        return False  # tokens are created by `dozvon token create`, shown once
