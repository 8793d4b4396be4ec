"""Django's ModelBackend, except that a service account never holds a web session (X-13),
and that a project's supervisor holds the admin permissions the product gives the role.

Signing in is refused by the login forms (`accounts.forms`, which say why); this backend
also drops a session that a service account holds anyway (opened before it became one,
or by any other path), in the query that loads the session's user.

X-2 in the admin (issue 25): a staff user with a supervisor membership may do there what
README and docs/webhooks.md promise a supervisor — register webhook endpoints, edit the
project's email templates and mail settings, manage the project's users, memberships and
tokens, keep its catalogue and delivery rates, manage its promo codes — and read the rest
of his projects' rows. Which rows is `projects/admin_scope.py`'s business (his projects
only); this only says which kinds. Permissions granted by hand (groups, user
permissions) add to these.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from dozvon.accounts.selectors import users_with_service_flag
from dozvon.projects.models import Membership, Role

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
EDIT = (VIEW, ADD, CHANGE)
ALL = (VIEW, ADD, CHANGE, DELETE)

# What a supervisor does in the admin, beyond viewing (model label → actions).
SUPERVISOR_MANAGES: dict[str, tuple[str, ...]] = {
    "accounts.user": EDIT,  # accounts are deleted by administrators only (history)
    "accounts.apitoken": (VIEW, CHANGE, DELETE),  # revoke; created by `dozvon token`
    "projects.membership": ALL,
    "webhooks.webhookendpoint": ALL,
    "messaging.messagetemplate": ALL,
    "messaging.mailsettings": EDIT,
    "catalog.product": EDIT,
    "delivery.deliverymethod": ALL,
    "delivery.deliveryrate": ALL,
    "subscriptions.promocode": EDIT,
}
# Read only, for a supervisor: his projects' rows of these (and the playbooks).
SUPERVISOR_VIEWS = (
    "audit.auditentry",
    "customers.customer",
    "interactions.interaction",
    "messaging.outboxmessage",
    "offers.adjustment",
    "offers.campaign",
    "offers.eligibility",
    "offers.lostsale",
    "offers.offerssettings",
    "orders.order",
    "payments.payment",
    "playbooks.playbook",
    "projects.project",
    "subscriptions.collection",
    "subscriptions.escalation",
    "subscriptions.informrun",
    "subscriptions.promoapplication",
    "subscriptions.subscription",
    "subscriptions.subscriptioncontact",
    "webhooks.webhookdelivery",
)


def supervisor_permissions() -> frozenset[str]:
    """`app_label.action_model` strings, as `User.has_perm` takes them."""
    perms = set()
    for label, actions in SUPERVISOR_MANAGES.items():
        app, model = label.split(".")
        perms.update(f"{app}.{action}_{model}" for action in actions)
    for label in SUPERVISOR_VIEWS:
        app, model = label.split(".")
        perms.add(f"{app}.view_{model}")
    return frozenset(perms)


SUPERVISOR_PERMISSIONS = supervisor_permissions()


def supervises_any(user) -> bool:
    return Membership.objects.filter(user=user, role=Role.SUPERVISOR).exists()


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        user = users_with_service_flag().filter(pk=user_id).first()
        if user is None or user.is_service_account or not self.user_can_authenticate(user):
            return None
        return user

    def get_all_permissions(self, user_obj, obj=None):
        perms = super().get_all_permissions(user_obj, obj)
        if not (user_obj.is_active and user_obj.is_staff) or user_obj.is_anonymous or obj:
            return perms
        if not hasattr(user_obj, "_dozvon_role_perm_cache"):
            user_obj._dozvon_role_perm_cache = (
                SUPERVISOR_PERMISSIONS if supervises_any(user_obj) else frozenset()
            )
        return perms | user_obj._dozvon_role_perm_cache
