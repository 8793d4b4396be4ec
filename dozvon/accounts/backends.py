"""Django's ModelBackend, except that a service account never holds a web session (X-13).

Signing in is refused by the login forms (`accounts.forms`, which say why); this backend
also drops a session that a service account holds anyway (opened before it became one,
or by any other path), in the query that loads the session's user.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from dozvon.accounts.selectors import users_with_service_flag


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        user = users_with_service_flag().filter(pk=user_id).first()
        if user is None or user.is_service_account or not self.user_can_authenticate(user):
            return None
        return user
