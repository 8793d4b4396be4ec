"""PICK-1/PICK-5 through the service: a report moves the order, is recorded once by
(state, at), and nothing follows collected or returned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from dozvon.audit.models import AuditEntry
from dozvon.changes.models import Change
from dozvon.core.errors import Forbidden, NotFound, RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.orders.models import Order
from dozvon.orders.selectors import timeline_text
from dozvon.pickup.models import Shipment, ShipmentReport
from dozvon.pickup.rules import Report
from dozvon.pickup.services import ReportClash, shipment_report
from dozvon.playbooks.selectors import playbook_def
from tests.conftest import NOW, _world


def test_arrival_puts_the_parcel_out_of_every_queue_until_its_days_are_over(pick):
    # given an order that waits for its parcel
    order = pick.order()
    assert order.status == "awaiting" and order.bucket == ""
    # when the partner reports it shipped, then arrived yesterday
    pick.report(order, "shipped", NOW - timedelta(days=3), tracking="RP42")
    assert Order.objects.get(pk=order.pk).status == "shipped"
    received = pick.report(
        order,
        "arrived",
        NOW - timedelta(days=1),
        point="ПВЗ на Ленина",
        until=(NOW + timedelta(days=6)).date(),
    )
    # then the order has arrived, waits in no queue, and enters the worklist in two days
    order.refresh_from_db()
    assert (order.status, order.status_group, order.bucket) == ("arrived", "at_point", "")
    shipment = received.shipment
    assert shipment.pickup_point == "ПВЗ на Ленина"
    assert shipment.tracking == "RP42"
    assert shipment.enters_at.date() == (NOW - timedelta(days=1)).date() + timedelta(days=2)
    texts = list(TimelineEntry.objects.filter(order=order).values_list("text", flat=True))
    assert any(t.startswith("Parcel arrived at the pickup point") for t in texts)
    # and the partner's feed has the status change
    assert Change.objects.filter(order=order, status="arrived").exists()


def test_an_arrival_reported_late_enters_the_worklist_at_once(pick):
    order = pick.order()
    pick.arrive(order, NOW - timedelta(days=3))
    order.refresh_from_db()
    assert (order.status, order.bucket) == ("arrived", "pickup")
    assert Shipment.objects.get(order=order).entered_at == NOW


def test_the_same_state_and_time_again_answers_the_same_report_and_writes_nothing(pick):
    order = pick.order()
    first = pick.arrive(order, NOW - timedelta(days=1))
    lines = TimelineEntry.objects.filter(order=order).count()
    version = Order.objects.get(pk=order.pk).version
    again = pick.report(
        order,
        "arrived",
        NOW - timedelta(days=1),
        point="ПВЗ на Ленина",
        until=first.shipment.storage_until,
        now=NOW,
    )
    assert again.created is False and again.report.pk == first.report.pk
    assert ShipmentReport.objects.filter(order=order).count() == 2
    assert TimelineEntry.objects.filter(order=order).count() == lines
    assert Order.objects.get(pk=order.pk).version == version


def test_the_same_state_and_time_with_other_facts_is_a_clash(pick):
    order = pick.order()
    first = pick.arrive(order, NOW - timedelta(days=1))
    with pytest.raises(ReportClash):
        pick.report(
            order,
            "arrived",
            NOW - timedelta(days=1),
            point="Другой ПВЗ",
            until=first.shipment.storage_until,
            now=NOW,
        )


def test_a_bad_arrival_is_refused_naming_rule_and_field_and_writes_nothing(pick):
    order = pick.order()
    with pytest.raises(RuleViolations) as refused:
        pick.report(order, "arrived", NOW - timedelta(hours=1), now=NOW)
    assert {(v.rule, v.field) for v in refused.value.violations} == {
        ("PICK-1", "pickup_point"),
        ("PICK-1", "storage_until"),
    }
    assert not ShipmentReport.objects.filter(order=order).exists()
    assert not Shipment.objects.filter(order=order).exists()


def test_pick5_collected_closes_the_order_takes_it_out_of_the_queue_and_frees_the_claim(pick):
    # given a parcel in the worklist, held by an operator
    order = pick.order()
    pick.arrive(order, NOW - timedelta(days=3))
    Order.objects.filter(pk=order.pk).update(claimed_by=pick.operator, claimed_at=NOW)
    # when the partner reports it collected
    pick.report(order, "collected", NOW - timedelta(minutes=5), now=NOW)
    # then it is final, out of the queue and nobody holds it
    order.refresh_from_db()
    assert (order.status, order.status_group, order.bucket) == ("collected", "collected", "")
    assert order.claimed_by_id is None and order.due_at is None
    # and nothing is reported after it
    with pytest.raises(RuleViolations) as refused:
        pick.report(order, "returned", NOW, now=NOW)
    assert ("PICK-5", "state") in {(v.rule, v.field) for v in refused.value.violations}
    # but the collected report itself again is the same answer
    assert pick.report(order, "collected", NOW - timedelta(minutes=5), now=NOW).created is False


def test_reports_come_from_the_partner_or_a_supervisor_never_an_operator(pick):
    order = pick.order()
    with pytest.raises(Forbidden):
        pick.report(order, "shipped", NOW, actor=pick.operator)
    pick.report(order, "shipped", NOW, actor=pick.supervisor)
    # and an order of another project is not found
    other = _world("pick", "pick-other")
    with pytest.raises(NotFound):
        pick.report(order, "shipped", NOW + timedelta(seconds=1), actor=other.partner)


def test_a_project_of_another_playbook_has_no_parcels(cod):
    order = cod.intake()
    with pytest.raises(RuleViolations) as refused:
        shipment_report(
            order_id=order.pk, actor=cod.supervisor, report=Report("shipped", NOW), now=NOW
        )
    assert refused.value.violations[0].rule == "PICK-1"


def test_a_report_is_recorded_as_the_partner_s_and_reads_in_russian(pick):
    order = pick.order()
    pick.report(order, "arrived", NOW - timedelta(days=1), point="ПВЗ на Ленина", until=NOW.date())
    line = TimelineEntry.objects.get(order=order, text__startswith="Parcel arrived")
    assert (line.kind, line.actor) == ("auto", pick.partner)
    audit = AuditEntry.objects.filter(target_id=str(order.pk), action="order.report")
    assert audit.count() == 1 and audit.get().actor == pick.partner
    with translation.override("ru"):
        text = timeline_text(line, playbook_def(order.project.playbook))
    assert text == (
        f"Посылка прибыла в пункт выдачи ПВЗ на Ленина, хранится до {NOW:%d.%m.%Y} (PICK-1)"
    )
