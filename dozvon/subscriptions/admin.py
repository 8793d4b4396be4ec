from django import forms
from django.contrib import admin

from dozvon.audit.admin import AuditedAdmin, ReadOnlyAdmin
from dozvon.core import clock
from dozvon.projects.admin_scope import ProjectScopedAdmin, ReadOnlyInline
from dozvon.subscriptions import rules
from dozvon.subscriptions.models import (
    Collection,
    CollectionIssue,
    Escalation,
    InformRun,
    PromoApplication,
    PromoCode,
    Subscription,
    SubscriptionContact,
)
from dozvon.subscriptions.services import subscription_update


class IssueInline(ReadOnlyInline):
    model = CollectionIssue
    project_path = "collection__project"
    fields = ("number", "product")
    ordering = ("number",)


@admin.register(Collection)
class CollectionAdmin(AuditedAdmin):
    list_display = (
        "name",
        "code",
        "project",
        "issues_total",
        "base_per_month",
        "accelerated_per_month",
    )
    list_filter = ("project",)
    search_fields = ("name", "code")
    inlines = [IssueInline]


class SubscriptionForm(forms.ModelForm):
    """SUB-1/SUB-2 checked on the form, as everywhere: an accelerated subscription is never
    put back on the base plan, and the group agrees with the plan."""

    class Meta:
        model = Subscription
        fields = ("plan", "group", "status")

    def clean(self):
        data = super().clean()
        plan = data.get("plan") or self.instance.plan
        group = data.get("group") or self.instance.group
        found = rules.check_plan_change(old=self.instance.plan, new=plan)
        found += rules.check_group(plan=plan, group=group)
        for v in found:
            self.add_error(v.field if v.field in self.fields else None, f"{v.render()} ({v.rule})")
        return data


class ContactInline(ReadOnlyInline):
    model = SubscriptionContact
    fields = ("at", "outcome", "issues", "operator", "interaction")
    ordering = ("at",)


@admin.register(Subscription)
class SubscriptionAdmin(ProjectScopedAdmin):
    """Plan, group and status change through `subscription_update` (audited, SUB-2);
    subscriptions are created by the import and the API only."""

    form = SubscriptionForm
    list_display = (
        "number",
        "project",
        "customer",
        "collection",
        "plan",
        "group",
        "status",
        "issues_delivered",
        "issues_total",
        "suspend_on",
        "contacts",
        "informed_at",
    )
    list_filter = ("project", "plan", "group", "status", "collection")
    search_fields = ("=number", "customer__phone", "customer__surname")
    list_select_related = ("project", "customer", "collection")
    readonly_fields = (
        "project",
        "number",
        "customer",
        "collection",
        "issues_total",
        "issues_delivered",
        "suspend_on",
        "cancelled_at",
        "contacts",
        "first_contact_at",
        "last_contact_at",
        "last_outcome",
        "informed_at",
        "inform_problem",
        "created_at",
        "updated_at",
        "version",
    )
    inlines = [ContactInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        subscription_update(
            subscription_id=obj.pk,
            actor=request.user,
            plan=form.cleaned_data.get("plan"),
            group=form.cleaned_data.get("group"),
            status=form.cleaned_data.get("status"),
            now=clock.now(),
        )


@admin.register(SubscriptionContact)
class SubscriptionContactAdmin(ReadOnlyAdmin):
    list_display = ("subscription", "project", "outcome", "issues", "operator", "at")
    list_filter = ("project", "outcome")
    search_fields = ("=subscription__number",)
    list_select_related = ("subscription", "project", "operator")


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    """Decided on the supervisor's escalations page (audited)."""

    list_display = (
        "id",
        "project",
        "subscription",
        "state",
        "partner_email",
        "created_at",
        "decided_at",
    )
    list_filter = ("project", "state")
    list_select_related = ("project", "subscription")


@admin.register(InformRun)
class InformRunAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "project",
        "started_by",
        "started_at",
        "finished_at",
        "queued",
        "skipped",
        "problem",
    )
    list_filter = ("project",)


@admin.register(PromoCode)
class PromoCodeAdmin(AuditedAdmin):
    """SUB-5: a project's operator-only promo codes, kept by its supervisors (the code text
    is shown here and in the operator's hands only)."""

    list_display = ("__str__", "project", "collection", "discount_amount", "valid_until", "active")
    list_filter = ("project", "active")
    fields = ("project", "code", "visibility", "collection", "discount_amount", "valid_until")
    fields += ("active",)


@admin.register(PromoApplication)
class PromoApplicationAdmin(ReadOnlyAdmin):
    project_path = "promo__project"
    list_display = ("order", "promo", "actor", "items", "at")
