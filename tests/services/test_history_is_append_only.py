"""X-6 timeline and X-12 audit: nothing in them is ever edited or deleted."""

import pytest
from django.db import DatabaseError, connection, transaction

from dozvon.audit.models import AuditEntry
from dozvon.history.models import TimelineEntry
from dozvon.orders.services import order_add_comment


def test_timeline_entry_cannot_be_edited_or_deleted_through_the_model_x_6(cod, now):
    # given an order with a comment
    order = cod.intake()
    entry = order_add_comment(order_id=order.pk, actor=cod.operator, text="Перезвонить", now=now)
    # when someone edits or deletes the entry, then it is refused
    entry.text = "подмена"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    assert TimelineEntry.objects.get(pk=entry.pk).text == "Перезвонить"


def test_timeline_update_is_refused_by_the_database_itself_x_6(cod, now):
    # given an order whose intake wrote a timeline line
    order = cod.intake()
    # when a raw UPDATE bypasses the model layer
    with pytest.raises(DatabaseError), transaction.atomic():
        TimelineEntry.objects.filter(order=order).update(text="подмена")
    # then the history is unchanged
    assert not TimelineEntry.objects.filter(order=order, text="подмена").exists()


def test_audit_update_is_refused_by_the_database_itself_x_12(cod, now):
    cod.intake()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().update(action="подмена")
    assert not AuditEntry.objects.filter(action="подмена").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger is PostgreSQL's")
def test_timeline_delete_is_refused_by_postgresql_x_6(cod, now):
    order = cod.intake()
    with pytest.raises(DatabaseError), transaction.atomic():
        TimelineEntry.objects.filter(order=order).delete()
    assert TimelineEntry.objects.filter(order=order).exists()
