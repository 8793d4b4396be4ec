from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The X-11 registry's built-in reports (operators, outcomes, funnel) register when
    the app is ready, from `selectors`; the playbooks' own (DUN-9, NBO-5, SUB-6) are
    registered by their plug-ins' `register()` (dozvon/<plugin>/plugin.py), never imported
    here."""

    name = "dozvon.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # the app's own module (it imports models: not before the app registry is ready)
        from dozvon.reports import selectors  # noqa: F401  (registers the built-in reports)
