from django.contrib import admin

from dozvon.audit.admin import ReadOnlyAdmin
from dozvon.customers.models import Customer, CustomerPhone
from dozvon.projects.admin_scope import ScopedTabularInline


class PhoneInline(ScopedTabularInline):
    model = CustomerPhone
    extra = 0
    can_delete = False
    readonly_fields = ("phone", "is_main")
    fields = ("phone", "is_main")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    """Read-only: customer data is edited on the order, where every change is recorded."""

    list_display = ("__str__", "phone", "type", "vip", "project")
    list_filter = ("project", "type", "vip")
    search_fields = ("surname", "first_name", "phone", "phones__phone")
    ordering = ("-id",)
    inlines = [PhoneInline]
