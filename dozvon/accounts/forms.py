"""Sign-in forms of the web UI and the admin: Django's, plus the X-13 refusal.

Throttling is not here: django-axes watches `authenticate()`, which both forms call.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from dozvon.accounts.selectors import user_is_service_account

API_ONLY = _("This account is for the API only; it cannot sign in here.")


class ApiOnlyRefusal:
    """A service account (X-13) with the right password is refused, saying why; with a
    wrong one it gets the usual answer, so the message reveals nothing new."""

    api_only = False

    def confirm_login_allowed(self, user):
        # before Django's checks: the admin's "not a staff account" answer would mislead
        if user_is_service_account(user):
            self.api_only = True
            raise forms.ValidationError(API_ONLY, code="api_only")
        super().confirm_login_allowed(user)


class LoginForm(ApiOnlyRefusal, AuthenticationForm):
    pass


class AdminLoginForm(ApiOnlyRefusal, AdminAuthenticationForm):
    pass
