"""Sign-in forms of the web UI and the admin: Django's, plus the X-13 refusal.

Throttling is not here: django-axes watches `authenticate()`, which both forms call.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AdminUserCreationForm, AuthenticationForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dozvon.accounts.selectors import user_is_service_account
from dozvon.projects.models import Project, Role

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


class SupervisedUserCreationForm(AdminUserCreationForm):
    """A supervisor adds an account to one of the projects he supervises (X-1/X-2): the
    account is created with its membership, so it is his to manage from the start (an
    account with no project would be nobody's in the admin)."""

    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=Role.choices, initial=Role.OPERATOR)

    # set by UserAdmin.get_form: the projects the supervisor administers
    projects: QuerySet[Project] = Project.objects.none()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = self.projects
