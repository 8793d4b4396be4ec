"""X-1/X-2 in the Django admin: one rule for what a staff user may see and pick there.

Superusers see everything. Anyone else sees a project's rows only through a Membership
with the supervisor role (the membership rule of `dozvon.projects.access`; in the admin
only supervisors administer a project). Every dozvon admin and inline derives from
`ProjectScoped`, so the list, change/view, history and delete pages, search, date
drill-down, bulk actions, the list filters' choices, the select boxes of add/change forms
and the autocomplete endpoint all read through the same scoped queryset. A foreign key
offers exactly the rows the user may see in the admin of the model it points to.

An admin registered by another app (auth's groups, django_tasks_db's task results) knows
nothing of projects: `lock_unscoped_admins` makes it superuser-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.db.models import Model, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dozvon.projects.models import Project, Role


def admin_projects(user) -> QuerySet[Project]:
    """The projects whose rows `user` may see and edit in the admin."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    # one filter() call: both conditions on the same membership row
    return Project.objects.filter(memberships__user=user, memberships__role=Role.SUPERVISOR)


def user_manageable_by(actor, target) -> bool:
    """May `actor` edit `target`'s account (password, names, active flag, tokens)?

    Superusers are managed by superusers only, other staff accounts only by themselves
    (taking one over would hand out its permissions), and an account with a membership
    in a project the actor does not supervise only by that project's supervisors too.
    """
    if actor.is_superuser:
        return True
    if target.is_superuser:
        return False
    if target.pk == actor.pk:
        return True
    if target.is_staff:
        return False
    return not target.memberships.exclude(project__in=admin_projects(actor)).exists()


def visible_rows(site: admin.AdminSite, request, model: type[Model]) -> QuerySet:
    """What `request.user` may see of `model` in the admin (its admin's queryset)."""
    if site.is_registered(model):
        return site.get_model_admin(model).get_queryset(request)
    queryset = model._default_manager.all()
    return queryset if request.user.is_superuser else queryset.none()


def field_label(field) -> str:
    """A model field's name in the reader's language: its verbose name, translated even
    when Django made it up from the field's name ("project"), which no catalogue sees
    until it is looked up (issue 24 item 6: no "Project" in a Russian admin)."""
    return capfirst(gettext(str(field.verbose_name)))


@admin.display(description=_("project"), ordering="project__name")
def project_column(obj) -> str:
    """The list's project column, headed in the reader's language."""
    return str(obj.project)


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field filter that offers only the related rows the user may see, under
    the field's translated name."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = field_label(field).lower()

    def field_choices(self, field, request, model_admin):
        visible = visible_rows(model_admin.admin_site, request, field.related_model)
        return field.get_choices(
            include_blank=False,
            limit_choices_to={"pk__in": visible.values("pk")},
            ordering=self.field_admin_ordering(field, request, model_admin),
        )


class ProjectScoped:
    """Mixin for a ModelAdmin or an inline: rows limited to the user's admin projects.

    `project_path` is the lookup from the model to its project ("project",
    "order__project", "id" for Project itself); None marks global configuration (the
    playbooks), visible to every staff user with the model's view permission.
    """

    project_path: str | None = "project"

    def scope_queryset(self, request, queryset: QuerySet) -> QuerySet:
        if request.user.is_superuser or self.project_path is None:
            return queryset
        condition = {f"{self.project_path}__in": admin_projects(request.user)}
        path = get_fields_from_path(queryset.model, self.project_path)
        if any(field.many_to_many or field.one_to_many for field in path):
            # a multi-valued path (user → memberships) would repeat rows: go by id
            return queryset.filter(
                pk__in=queryset.model._base_manager.filter(**condition).values("pk")
            )
        return queryset.filter(**condition)

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = visible_rows(self.admin_site, request, db_field.related_model)
        kwargs.setdefault("label", field_label(db_field))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_display(self, request):
        """The `project` column headed in the reader's language (`project_column`)."""
        shown = super().get_list_display(request)
        return [project_column if item == "project" else item for item in shown]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = visible_rows(self.admin_site, request, db_field.related_model)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        return [self._scoped_filter(item) for item in super().get_list_filter(request)]

    def _scoped_filter(self, item):
        if isinstance(item, str):
            if get_fields_from_path(self.model, item)[-1].is_relation:
                return (item, ScopedRelatedFieldListFilter)
            return item
        if isinstance(item, (list, tuple)) and item[1] is admin.RelatedFieldListFilter:
            return (item[0], ScopedRelatedFieldListFilter)
        return item


class ProjectScopedAdmin(ProjectScoped, admin.ModelAdmin):
    pass


class ScopedTabularInline(ProjectScoped, admin.TabularInline):
    pass


class SuperuserOnly:
    """Mixin: the admin exists for superusers only (others get no menu, 403, no rows)."""

    def has_module_permission(self, request):
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()


def lock_unscoped_admins(site: admin.AdminSite) -> None:
    """Re-register every admin that is not project-scoped as superuser-only.

    Covers the apps autodiscovered before the call (INSTALLED_APPS order);
    tests/admin checks that nothing registered later escapes.
    """
    for model, model_admin in list(site._registry.items()):
        cls = type(model_admin)
        if issubclass(cls, (ProjectScoped, SuperuserOnly)):
            continue
        site.unregister(model)
        site.register(model, type(cls.__name__, (SuperuserOnly, cls), {"__module__": __name__}))


class ReadOnlyInline(ScopedTabularInline):
    """History shown under its order or interaction: read only, never added or deleted."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
