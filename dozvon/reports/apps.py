from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "dozvon.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # the playbooks' reports (DUN-9, NBO-5, SUB-6) next to the built-in ones
        from dozvon.reports.playbook_reports import register_playbook_reports

        register_playbook_reports()
