"""The only code that changes subscriptions (SUB-1…4, X-10): collections, the import and
API upsert, plan/status changes, the registry's contacts and refund escalations.

The recipe of the order services: transaction → access check → lock → pure rules
(`subscriptions.rules`) → write with `update_fields` → audit row (X-12). Emails go through
the outbox (`messaging.services.message_queue_to`, imported when called) in the same
transaction, each with its idempotency key.

One module per topic: `collection` (collections and their issue products), `upsert` (the
import and the API upsert, X-10), `subscription` (one subscription's plan, status, group),
`contacts` (SUB-3's registry contacts), `emails` (the outbox) and `escalations` (SUB-3's
refund escalations); shared pieces are in `base`. Every name is importable from here.
"""

from dozvon.subscriptions.services.base import CHUNK, WRITTEN, today_of
from dozvon.subscriptions.services.collection import collection_save, issue_products
from dozvon.subscriptions.services.contacts import (
    SUB_FACTS,
    ContactPlan,
    contact_apply,
    contact_check,
)
from dozvon.subscriptions.services.emails import partner_email, plan_name, queue_email
from dozvon.subscriptions.services.escalations import escalation_decide, escalation_notify
from dozvon.subscriptions.services.subscription import (
    bought_of,
    lock_subscription,
    subscription_update,
)
from dozvon.subscriptions.services.upsert import (
    UpsertResult,
    refused_rows,
    row_prefix,
    subscriptions_check,
    subscriptions_upsert,
)

__all__ = [
    "CHUNK",
    "SUB_FACTS",
    "WRITTEN",
    "ContactPlan",
    "UpsertResult",
    "bought_of",
    "collection_save",
    "contact_apply",
    "contact_check",
    "escalation_decide",
    "escalation_notify",
    "issue_products",
    "lock_subscription",
    "partner_email",
    "plan_name",
    "queue_email",
    "refused_rows",
    "row_prefix",
    "subscription_update",
    "subscriptions_check",
    "subscriptions_upsert",
    "today_of",
]
