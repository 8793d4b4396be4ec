from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dozvon.core import plugins


class CommandsConfig(AppConfig):
    name = "dozvon.commands"
    label = "commands"
    verbose_name = _("Management commands")

    def ready(self):
        # COD and SHOP have no plug-in: their demo builder is the demo command's own (same
        # app; it imports models, so not before the app registry is ready). It comes first:
        # it creates the logins the other playbooks' demos share (supervisor, partner)
        from dozvon.commands import demo_cod_shop

        plugins.register(
            plugins.DEMO, self.label, "cod_shop", demo_cod_shop.build_cod_shop_demo, order=10
        )
