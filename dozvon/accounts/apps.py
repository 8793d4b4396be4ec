from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dozvon.accounts"
    label = "accounts"
    verbose_name = _("Users")

    def ready(self):
        from django.contrib import admin

        from dozvon.accounts.forms import AdminLoginForm

        # a service account is refused at the admin's door as at /login/, saying
        # why (axes throttles both pages through authenticate())
        admin.site.login_form = AdminLoginForm
