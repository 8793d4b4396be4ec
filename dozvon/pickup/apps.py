from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PickupConfig(AppConfig):
    name = "dozvon.pickup"
    label = "pickup"
    verbose_name = _("Parcels at pickup points (PICK)")

    def ready(self):
        # the app's own registration module (same app: no layer is crossed); it imports
        # models, so it cannot be imported before the app registry is ready
        from dozvon.pickup import plugin

        plugin.register()
