"""Third-party apps under our names (issue 24 item 6): what a supervisor reads in the
admin is Russian, not the packages' English ("AXES", "TASKS DATABASE BACKEND"). Each
AppConfig here replaces the package's own in INSTALLED_APPS, changing only its
`verbose_name` (the app's heading in the admin); the models' and fields' names are
translated in our catalogues (dozvon/locale), which Django reads before the packages'.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    """django-axes: the sign-in attempts it counts and the lockouts it decides."""

    verbose_name = _("Sign-in protection")


class TasksDatabaseConfig(TasksAppConfig):
    """django_tasks_db: the background tasks the worker runs (emails, triggers)."""

    verbose_name = _("Background tasks")


class AdminRuConfig(AppConfig):
    """Our overrides of the admin's templates (dozvon/core/admin_ru/templates/admin)."""

    name = "dozvon.core.admin_ru"
    label = "admin_ru"
    verbose_name = _("Administration")


# The packages' own model, field and choice names that our catalogues translate (Django
# reads dozvon/locale before the packages'); named here so `make makemessages` keeps them.
THIRD_PARTY_MESSAGES = (
    # django_tasks_db
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("queue name"),
    gettext_noop("args kwargs"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("backend name"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("enqueued at"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
    # django-axes
    gettext_noop("Locked Out"),
)
