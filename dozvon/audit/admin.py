from collections.abc import Callable

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.forms.models import model_to_dict
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dozvon.audit.actions import declared, model_change
from dozvon.audit.models import AuditEntry
from dozvon.audit.services import audit_record
from dozvon.core import clock
from dozvon.projects.admin_scope import (
    ProjectScopedAdmin,
    ScopedRelatedFieldListFilter,
    lock_unscoped_admins,
)


class ReadOnlyAdmin(ProjectScopedAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(ProjectScopedAdmin):
    """X-12: every configuration change made in the admin lands in the audit log."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=model_change(obj._meta.model_name, "change" if change else "add"),
            target_type=obj._meta.model_name,
            target_id=obj.pk,
            project=getattr(obj, "project", None) if obj._meta.model_name != "project" else obj,
            changes={k: form.cleaned_data.get(k) for k in form.changed_data},
            now=clock.now(),
        )

    def delete_model(self, request, obj):
        snapshot = model_to_dict(obj)
        pk, name = obj.pk, obj._meta.model_name
        project = getattr(obj, "project", None)  # so the project's supervisors see it
        super().delete_model(request, obj)
        audit_record(
            actor=request.user,
            action=model_change(name, "delete"),
            target_type=name,
            target_id=pk,
            project=project,
            changes=snapshot,
            now=clock.now(),
        )


VERBS = {"add": _("Added"), "change": _("Changed"), "delete": _("Deleted")}
# objects that are not a model's name (`target_type`)
OBJECTS = {
    "api_token": _("API token"),
    "promo_code": _("promo code"),
    "trigger": _("playbook trigger"),
    "subscriptionimport": _("subscription import"),
}


def object_label(code: str) -> str:
    """An audit entry's `target_type` in words: a model's verbose name, or a known one."""
    if code in OBJECTS:
        return str(OBJECTS[code])
    for model in apps.get_models():
        if model._meta.model_name == code:
            return str(model._meta.verbose_name)
    return code


def action_label(code: str) -> str:
    """An audit action in words: "Заказ получен", "Изменено: шаблон письма"."""
    labels = declared()  # the engine's and the plug-ins' actions (audit.actions)
    if code in labels:
        return str(labels[code])
    subject, _dot, verb = code.rpartition(".")
    if verb in VERBS and subject:
        return f"{VERBS[verb]}: {object_label(subject)}"
    return code


class ActionFilter(admin.SimpleListFilter):
    """The list's filter by action, named in words (the codes stay in the URL)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).values_list("action", flat=True)
        return sorted(((c, action_label(c)) for c in set(codes)), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("object type")
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).values_list("target_type", flat=True)
        return sorted(((c, object_label(c)) for c in set(codes)), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(target_type=self.value()) if self.value() else queryset


# Where the names of a project's codes come from (its playbook's statuses, problems,
# outcomes, queues): `source(project) -> {code: name}`, registered by the app that owns
# them (playbooks/admin.py), so the audit log, a base app, imports none of them. A later
# source wins over an earlier one for the same code.
CODE_NAMES: list[Callable[..., dict[str, str]]] = []


def register_code_names(source: Callable[..., dict[str, str]]):
    """Add `source` (once) to CODE_NAMES; usable as a decorator."""
    if source not in CODE_NAMES:
        CODE_NAMES.append(source)
    return source


def _status_names(entry: AuditEntry) -> dict[str, str]:
    """The codes of the entry's project (its playbook's statuses, problems, outcomes,
    queues) → names."""
    if not entry.project_id:
        return {}
    names: dict[str, str] = {}
    for source in CODE_NAMES:
        names.update(source(entry.project))
    return names


def _value_text(value, names: dict[str, str]) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return " → ".join(_value_text(v, names) for v in value) if value else "—"
    if isinstance(value, dict):
        return "; ".join(f"{_key_text(k)}: {_value_text(v, names)}" for k, v in value.items())
    return names.get(value, str(value)) if isinstance(value, str) else str(value)


# Keys the services write inside an entry's changes (an effect's details, a partner's
# report), read in words like the fields' own labels
KEY = "change key"
CHANGE_KEYS = (  # marked for makemessages; read through pgettext(KEY, …)
    pgettext_lazy("change key", "effect"),
    pgettext_lazy("change key", "effects"),
    pgettext_lazy("change key", "from"),
    pgettext_lazy("change key", "to"),
    pgettext_lazy("change key", "shipment"),
    pgettext_lazy("change key", "rule"),
    pgettext_lazy("change key", "from name"),
    pgettext_lazy("change key", "to name"),
)


def _key_text(key: str) -> str:
    words = key.replace("_", " ")
    named = pgettext(KEY, words)
    return named if named != words else gettext(words)


def _field_label(target_type: str, key: str) -> str:
    for model in apps.get_models():
        if model._meta.model_name == target_type:
            try:
                return str(model._meta.get_field(key).verbose_name)
            except FieldDoesNotExist:
                break
    return _key_text(key)  # "outcome" → "результат" where translated


class ProjectFilter(ScopedRelatedFieldListFilter):
    """The projects the user may see, under a translated title (the field has none)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("project")


def entry_title(entry: AuditEntry) -> str:
    """An entry as its page's title names it: "Изменено: заказ 1, 07.12.2026 18:03"."""
    at = localtime(entry.at).strftime("%d.%m.%Y %H:%M")
    return (
        f"{action_label(entry.action)} — {object_label(entry.target_type)} {entry.target_id}, {at}"
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Entries without a project (global configuration) are for superusers only. A
    supervisor reads them in words: the action, the object, the changes as a table with
    statuses by name (issue 24 item 6), not codes and JSON."""

    list_display = ("at", "who", "project_name", "what", "object", "target_id")
    list_filter = (ActionFilter, ObjectTypeFilter, ("project", ProjectFilter))
    search_fields = ("target_id", "action")
    date_hierarchy = "at"
    fields = ("at", "who", "project_name", "what", "object", "target_id", "changes_table")
    readonly_fields = fields
    change_form_template = "admin/audit/auditentry/change_form.html"

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["subtitle"] = context["entry_title"] = entry_title(obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "project")

    @admin.display(description=_("who"), ordering="actor__username")
    def who(self, entry: AuditEntry) -> str:
        if entry.actor is None:
            return str(_("the system"))
        return entry.actor.get_full_name() or entry.actor.username

    @admin.display(description=_("project"), ordering="project__name")
    def project_name(self, entry: AuditEntry) -> str:
        return entry.project.name if entry.project else "—"

    @admin.display(description=_("action"), ordering="action")
    def what(self, entry: AuditEntry) -> str:
        return action_label(entry.action)

    @admin.display(description=_("object type"), ordering="target_type")
    def object(self, entry: AuditEntry) -> str:
        return object_label(entry.target_type)

    @admin.display(description=_("changes"))
    def changes_table(self, entry: AuditEntry):
        changes = entry.changes if isinstance(entry.changes, dict) else {"": entry.changes}
        if not changes:
            return "—"
        names = _status_names(entry)
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td></tr>",
            (
                (_field_label(entry.target_type, str(key)), _value_text(value, names))
                for key, value in changes.items()
            ),
        )
        return format_html('<table class="audit-changes">{}</table>', rows)


# auth's groups and django_tasks_db's task results know nothing of projects; this module
# is imported with the first dozvon admin (accounts), after those apps' admins.
lock_unscoped_admins(admin.site)
