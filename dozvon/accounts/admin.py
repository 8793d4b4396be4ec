from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from dozvon.accounts.forms import SupervisedUserCreationForm
from dozvon.accounts.models import ApiToken, User
from dozvon.audit.actions import AuditAction, model_change
from dozvon.audit.admin import AuditedAdmin
from dozvon.audit.services import audit_record
from dozvon.core import clock
from dozvon.projects.admin_scope import ScopedTabularInline, admin_projects, user_manageable_by
from dozvon.projects.models import Membership, Project

SECRET_FIELDS = ("password", "password1", "password2", "usable_password")


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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and not request.user.is_superuser:
            (name, options), *rest = fieldsets
            fields = (*options["fields"], "project", "role")
            return ((name, {**options, "fields": fields}), *rest)
        return fieldsets

    def get_inline_instances(self, request, obj=None):
        if obj is None and not request.user.is_superuser:
            return []  # the membership is the add form's project and role
        return super().get_inline_instances(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not request.user.is_superuser:
            # the new account joins one of the supervisor's projects (issue 25)
            form = type(
                "SupervisedUserCreationForm",
                (SupervisedUserCreationForm,),
                {"projects": admin_projects(request.user)},
            )
            return admin.ModelAdmin.get_form(self, request, obj, **{**kwargs, "form": form})
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        # AuditedAdmin's recipe, minus the passwords a creation form carries (X-12
        # records who changed what, never a secret)
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        now = clock.now()
        audit_record(
            actor=request.user,
            action=model_change("user", "change" if change else "add"),
            target_type="user",
            target_id=obj.pk,
            changes={
                k: form.cleaned_data.get(k)
                for k in form.changed_data
                if k not in SECRET_FIELDS and k not in ("project", "role")
            },
            now=now,
        )
        project = form.cleaned_data.get("project") if not change else None
        if project is not None:
            member = Membership.objects.create(
                user=obj, project=project, role=form.cleaned_data["role"]
            )
            audit_record(
                actor=request.user,
                action=AuditAction.MEMBERSHIP_ADD,
                target_type="membership",
                target_id=member.pk,
                project=project,
                changes={"user": obj.username, "role": member.role},
                now=now,
            )


def token_manageable_by(actor, token: ApiToken, own: set[str] | None = None) -> bool:
    """May `actor` see and revoke `token` in the admin (X-1/X-13)? A limited token when
    every project it names is one he supervises; a person's token (the user's roles)
    when he manages its user (`user_manageable_by`). A partner's token for another
    project never shows, even when the partner integrates one of his projects too."""
    if actor.is_superuser:
        return True
    if token.scopes is None:
        return user_manageable_by(actor, token.user)
    if own is None:
        own = {str(pk) for pk in admin_projects(actor).values_list("pk", flat=True)}
    return bool(token.scopes) and set(token.scopes) <= own


def tokens_visible_to(actor, queryset):
    if actor.is_superuser:
        return queryset
    own = {str(pk) for pk in admin_projects(actor).values_list("pk", flat=True)}
    visible = [t.pk for t in queryset.select_related("user") if token_manageable_by(actor, t, own)]
    return queryset.filter(pk__in=visible)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ("user", "name", "prefix", "scope", "created_at", "last_used_at", "revoked")
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

    def get_queryset(self, request):
        return tokens_visible_to(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # tokens are created by `dozvon token create`, shown once

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or token_manageable_by(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or token_manageable_by(request.user, obj))


# Projects and their memberships: who may do what where. Registered here, with
# the users, since their admin records to the audit log (audit sits above projects).
class ProjectMembershipInline(ScopedTabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user", "skills")


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ("name", "slug", "playbook", "time_zone", "currency", "is_active")
    search_fields = ("name", "slug")
    inlines = [ProjectMembershipInline]
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
