"""django_tasks_db's task results in the admin, with their columns named in our words
(issue 24 item 6): the package's admin names a column by its property ("Task name");
this subclass replaces it before `lock_unscoped_admins` (audit/admin.py) makes it
superuser-only. Field names are translated in our catalogues."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult


class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "id",
        "task",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    )

    @admin.display(description=_("task"), ordering="task_path")
    def task(self, result: DBTaskResult) -> str:
        return result.task_name

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, result: DBTaskResult) -> str:
        return super().formatted_traceback(result)

    @admin.display(description=_("run after"))
    def display_run_after(self, result: DBTaskResult):
        return super().display_run_after(result)


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
