from django.contrib import admin

from dozvon.audit.admin import AuditedAdmin
from dozvon.catalog.models import Product


@admin.register(Product)
class ProductAdmin(AuditedAdmin):
    list_display = (
        "name",
        "sku",
        "project",
        "price",
        "currency",
        "max_discount_percent",
        "is_active",
    )
    list_filter = ("project", "is_active")
    search_fields = ("name", "sku")
