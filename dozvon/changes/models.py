"""The changes feed (API.md round 2, retailCRM's `orders/history`): one row per order
change a partner cares about, written by `orders.services.events.record` in the same
transaction as the change, read in commit order by `selectors.change_feed`.

Ids follow commit order (docs/architecture.md): on PostgreSQL a trigger derives the id from the
writing transaction's id, so a poller that reads only finished transactions never sees a
smaller id appear behind one it has passed; on SQLite writers are serialised and the
AUTOINCREMENT id is commit order as it is.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dozvon.core import limits

# PostgreSQL: an id is (transaction id << POSITION_BITS) + the row's ordinal in it, set by
# the trigger of migrations/0002 (which holds its own copy: change both together)
POSITION_BITS = 16


class ChangeKind(models.TextChoices):
    """What happened, as a partner sees it (API.md `kind`)."""

    CREATED = "created", _("Order created")
    STATUS = "status", _("Status changed")
    EDITED = "edited", _("Order edited")
    CANCELLED = "cancelled", _("Order cancelled")
    PAID = "paid", _("Order paid")


class Change(models.Model):
    """An order as it stood after one change: kind, status and status group, when."""

    # the PK is the feed position; see the module docstring and migrations/0002
    id = models.BigAutoField(primary_key=True)
    # read through the (project, id) index below, which also serves project lookups
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # never looked up by order (orders are not deleted: their history is append-only)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ChangeKind.choices)
    status = models.CharField(_("status"), max_length=limits.CODE)
    status_group = models.CharField(_("status group"), max_length=limits.CODE)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("order change")
        verbose_name_plural = _("order changes")
        indexes = [models.Index(fields=["project", "id"], name="changes_project_id")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} order {self.order_id}"
