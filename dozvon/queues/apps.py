from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueuesConfig(AppConfig):
    name = "dozvon.queues"
    label = "queues"
    verbose_name = _("Queues")
