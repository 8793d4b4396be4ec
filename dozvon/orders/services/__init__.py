"""The only code that changes orders (STYLE "services.py"), one module per topic:
`intake` (X-10), `items` (X-5, COD-11), `edits` (X-3, SHOP-7, comments), `outcomes`
(X-7 and the playbooks, a supervisor's reopening). Shared steps are in `base`, recording
in `events`.

Every action follows one recipe: transaction → lock the order row after the access check
→ claim and version → run the pure rules → write with `update_fields` → `record()` the
timeline line(s) and the audit row. Web views, the API, imports and tasks all call these.
"""

from dozvon.orders.services.base import (
    bump_version,
    ensure_claim_allows,
    lock_order,
    search_key,
)
from dozvon.orders.services.edits import order_add_comment, order_update
from dozvon.orders.services.events import Event, Line, record
from dozvon.orders.services.intake import ItemInput, order_intake
from dozvon.orders.services.items import order_add_item
from dozvon.orders.services.outcomes import order_apply_outcome, order_reopen

__all__ = [
    "Event",
    "ItemInput",
    "Line",
    "bump_version",
    "ensure_claim_allows",
    "lock_order",
    "order_add_comment",
    "order_add_item",
    "order_apply_outcome",
    "order_intake",
    "order_reopen",
    "order_update",
    "record",
    "search_key",
]
