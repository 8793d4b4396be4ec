from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DunningConfig(AppConfig):
    name = "dozvon.dunning"
    label = "dunning"
    verbose_name = _("Unpaid orders (DUN)")

    def ready(self):
        # the app's own registration module (same app: no layer is crossed); it imports
        # models, so it cannot be imported before the app registry is ready
        from dozvon.dunning import plugin

        plugin.register()
