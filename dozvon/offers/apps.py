from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "dozvon.offers"
    label = "offers"
    verbose_name = _("Offers")

    def ready(self):
        # the app's own registration module (same app: no layer is crossed); it imports
        # models, so it cannot be imported before the app registry is ready
        from dozvon.offers import plugin

        plugin.register()
