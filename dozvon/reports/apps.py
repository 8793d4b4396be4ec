from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The X-11 registry's built-in reports register when first asked for
    (`registry._load_builtin`); the playbooks' own (DUN-9, NBO-5, SUB-6) are registered by
    their plug-ins' `register()` (dozvon/<plugin>/plugin.py), never imported here."""

    name = "dozvon.reports"
    label = "reports"
    verbose_name = _("Reports")
