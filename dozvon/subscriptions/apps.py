from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "dozvon.subscriptions"
    label = "subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self):
        # the app's own registration module (same app: no layer is crossed); it imports
        # models, so it cannot be imported before the app registry is ready
        from dozvon.subscriptions import plugin

        plugin.register()
