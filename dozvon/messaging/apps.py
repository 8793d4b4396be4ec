from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dozvon.core import plugins


class MessagingConfig(AppConfig):
    name = "dozvon.messaging"
    label = "messaging"
    verbose_name = _("Messages")

    def ready(self):
        # the app's own effect (same app; it imports models, so not before the app
        # registry is ready), applied by the order services' effects
        from dozvon.messaging import effects

        plugins.register(plugins.EFFECTS, self.label, "send_message", effects.send_message)
