"""NBO in the admin: a project's offer settings (the discount policy as data, NBO-6; the
responsible person, NBO-4; the KPI target, NBO-5) are edited here and audited.
Campaigns, eligibility, lost sales and adjustments are read only: they change through
the offers services (the upload page, the API)."""

from django.contrib import admin

from dozvon.audit.admin import AuditedAdmin, ReadOnlyAdmin
from dozvon.offers.models import Adjustment, Campaign, Eligibility, LostSale, OffersSettings


@admin.register(OffersSettings)
class OffersSettingsAdmin(AuditedAdmin):
    list_display = ("project", "responsible", "report_email", "kpi_target")
    list_select_related = ("project", "responsible")


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "project", "priority", "starts_on", "ends_on")
    list_filter = ("project",)
    search_fields = ("code", "name")
    ordering = ("project", "priority", "code")
    list_select_related = ("project",)


@admin.register(Eligibility)
class EligibilityAdmin(ReadOnlyAdmin):
    list_display = ("phone", "campaign", "project", "priority", "tariff", "loaded_at")
    list_filter = ("project",)
    search_fields = ("=phone", "tariff")
    list_select_related = ("project", "campaign")
    show_full_result_count = False


@admin.register(LostSale)
class LostSaleAdmin(ReadOnlyAdmin):
    list_display = ("interaction", "project", "reason", "at")
    list_filter = ("project",)
    date_hierarchy = "at"
    list_select_related = ("project", "interaction")


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("id", "project", "interaction", "category", "amount", "state", "created_at")
    list_filter = ("project", "state", "category")
    search_fields = ("=id", "subject", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("project", "interaction", "campaign")
    exclude = ("idempotency_key",)  # the service's bookkeeping, not for people
