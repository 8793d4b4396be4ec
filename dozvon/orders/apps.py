from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dozvon.core import plugins


class OrdersConfig(AppConfig):
    name = "dozvon.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self):
        # the app's own demo builder (same app: no layer is crossed); it imports models, so
        # it cannot be imported before the app registry is ready. COD/SHOP's demo comes
        # first: it creates the logins the other playbooks' demos share (supervisor, partner)
        from dozvon.orders import demo

        plugins.register(plugins.DEMO, self.label, "cod_shop", demo.build_cod_shop_demo, order=10)
