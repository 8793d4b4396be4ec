"""PICK-2 through the services: the results of a call about a parcel, checked with the
parcel's facts, saved with them, and refused with nothing written; PICK-5 after it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dozvon.core.errors import RuleViolations
from dozvon.history.models import TimelineEntry
from dozvon.messaging.models import OutboxMessage
from dozvon.orders.models import Order
from dozvon.orders.services import order_apply_outcome
from dozvon.pickup.models import Shipment
from dozvon.pickup.services import outcome_handler
from tests.conftest import NOW
from tests.pickup.conftest import PARTNER


def refused(call) -> set[tuple[str, str]]:
    with pytest.raises(RuleViolations) as exc:
        call()
    return {(v.rule, v.field) for v in exc.value.violations}


@pytest.fixture
def parcel(pick):
    """A parcel in the worklist, stored until today + 4, the customer reached."""
    order = pick.order()
    pick.arrive(order, NOW - timedelta(days=3), until=(NOW + timedelta(days=4)).date())
    pick.call(order, "answered")
    return order


def test_will_collect_saves_the_day_and_the_parcel_leaves_the_worklist(pick, parcel):
    day = NOW.date() + timedelta(days=2)
    saved = pick.save(parcel, "will_collect", collect_on=day, comment="Заберёт в среду")
    assert (saved.status, saved.bucket, saved.due_at) == ("will_collect", "", None)
    shipment = Shipment.objects.get(order=parcel)
    assert shipment.collect_on == day and shipment.worked_by == pick.operator
    line = TimelineEntry.objects.filter(order=parcel, kind="auto").order_by("-id").first()
    assert line.data["collect_on"] == day.strftime("%d.%m.%Y")


def test_will_collect_after_the_storage_end_is_refused_and_nothing_changes(pick, parcel):
    version = Order.objects.get(pk=parcel.pk).version
    late = NOW.date() + timedelta(days=5)
    assert refused(lambda: pick.save(parcel, "will_collect", collect_on=late)) == {
        ("PICK-2", "collect_on")
    }
    assert refused(lambda: pick.save(parcel, "will_collect")) == {("PICK-2", "collect_on")}
    order = Order.objects.get(pk=parcel.pk)
    assert (order.status, order.bucket, order.version) == ("arrived", "pickup", version)
    assert Shipment.objects.get(order=parcel).collect_on is None


def test_extend_storage_asks_the_partner_by_email(pick, parcel):
    saved = pick.save(parcel, "extend_storage", comment="В отъезде до пятницы")
    assert (saved.status, saved.bucket) == ("extension_requested", "")
    (email,) = OutboxMessage.objects.filter(project=pick.project, to=PARTNER)
    assert email.template == "pickup_extend_storage" and parcel.external_id in email.subject
    assert "В отъезде до пятницы" in email.body_text
    shipment = Shipment.objects.get(order=parcel)
    assert shipment.extension_asked_for == shipment.storage_until


def test_extend_storage_once_even_after_another_result(pick, parcel):
    pick.save(parcel, "extend_storage")
    pick.call(parcel, "answered", at=NOW + timedelta(minutes=5))
    assert refused(lambda: pick.save(parcel, "extend_storage", at=NOW + timedelta(minutes=6))) == {
        ("PICK-2", "code")
    }
    assert OutboxMessage.objects.filter(to=PARTNER).count() == 1


def test_extend_storage_without_the_partner_s_address_is_refused(pick, parcel):
    pick.project.settings = {}
    pick.project.save(update_fields=["settings"])
    assert refused(lambda: pick.save(parcel, "extend_storage")) == {("PICK-2", "partner_email")}
    assert Order.objects.get(pk=parcel.pk).status == "arrived"


def test_refuses_needs_a_reason_of_the_list(pick, parcel):
    assert ("PICK-2", "reason") in refused(lambda: pick.save(parcel, "refuses"))
    assert ("PICK-2", "reason") in refused(lambda: pick.save(parcel, "refuses", reason="bored"))
    saved = pick.save(parcel, "refuses", reason="no_money")
    assert (saved.status, saved.problem, saved.bucket) == ("refused", "no_money", "")
    assert Shipment.objects.get(order=parcel).refuse_reason == "no_money"


def test_wrong_point_names_another_point_and_tells_the_partner(pick, parcel):
    assert refused(lambda: pick.save(parcel, "wrong_point")) == {("PICK-2", "pickup_point")}
    assert refused(lambda: pick.save(parcel, "wrong_point", pickup_point="ПВЗ на Ленина")) == {
        ("PICK-2", "pickup_point")
    }
    saved = pick.save(parcel, "wrong_point", pickup_point="Почта 101000")
    assert saved.status == "redirect_requested"
    (email,) = OutboxMessage.objects.filter(to=PARTNER, template="pickup_wrong_point")
    assert "Почта 101000" in email.body_text
    assert Shipment.objects.get(order=parcel).requested_point == "Почта 101000"
    # the parcel arrives at the new point: back to "arrived", a new clock
    pick.report(
        parcel,
        "arrived",
        NOW + timedelta(days=1),
        point="Почта 101000",
        until=(NOW + timedelta(days=8)).date(),
        now=NOW + timedelta(days=1),
    )
    order = Order.objects.get(pk=parcel.pk)
    assert order.status == "arrived"
    shipment = Shipment.objects.get(order=parcel)
    assert (shipment.pickup_point, shipment.requested_point) == ("Почта 101000", "")


def test_a_result_needs_a_call_first(pick):
    order = pick.order()
    pick.arrive(order)
    assert refused(lambda: pick.save(order, "will_collect", collect_on=NOW.date())) == {
        ("PICK-2", "calls")
    }


def test_no_result_about_a_parcel_that_has_not_arrived(pick):
    order = pick.order()
    pick.report(order, "shipped", NOW - timedelta(days=1), now=NOW)
    pick.call(order)
    assert ("PICK-2", "code") in refused(
        lambda: pick.save(order, "will_collect", collect_on=NOW.date())
    )


def test_pick5_no_result_after_the_parcel_was_collected(pick, parcel):
    pick.report(parcel, "collected", NOW - timedelta(minutes=1), now=NOW)
    found = refused(lambda: pick.save(parcel, "will_collect", collect_on=NOW.date()))
    assert ("X-7", "status") in found  # the engine: a closed order takes no result


def test_the_engine_s_outcome_service_alone_checks_the_parcel_s_rules(pick, parcel):
    # the engine loads the parcel's facts for PICK's checks (register_check(facts=)):
    # a save that does not come through the plug-in is checked with the parcel too
    late = NOW.date() + timedelta(days=5)

    def direct(**inputs):
        return order_apply_outcome(
            order_id=parcel.pk, actor=pick.operator, code="will_collect", inputs=inputs, now=NOW
        )

    assert refused(lambda: direct(collect_on=late)) == {("PICK-2", "collect_on")}
    # the day is an input pick.toml requires
    (missing,) = pytest.raises(RuleViolations, direct).value.violations
    assert (missing.field, missing.message) == (
        "collect_on",
        "This field is required for this result.",
    )
    assert Order.objects.get(pk=parcel.pk).status == "arrived"
    # a parcel that has not arrived: refused by the facts the engine loaded
    other = pick.order(1)
    pick.report(other, "shipped", NOW - timedelta(days=1), now=NOW)
    pick.call(other)
    assert ("PICK-2", "code") in refused(
        lambda: order_apply_outcome(
            order_id=other.pk,
            actor=pick.operator,
            code="will_collect",
            inputs={"collect_on": NOW.date()},
            now=NOW,
        )
    )


def test_the_card_s_and_api_s_handler_saves_the_day_among_the_inputs(pick, parcel):
    # the generic outcome form of the card and POST …/outcome reach the plug-in's handler
    # with the day and the point the plug-in declares among the result's inputs
    day = NOW.date() + timedelta(days=1)
    saved = outcome_handler(
        order_id=parcel.pk,
        actor=pick.operator,
        args={"code": "will_collect", "comment": "", "inputs": {"collect_on": day}},
        now=NOW,
    )
    assert saved.status == "will_collect"
    assert Shipment.objects.get(order=parcel).collect_on == day
    # the engine's status line keeps the day among the result's inputs
    line = TimelineEntry.objects.filter(order=parcel, kind="status").order_by("-id").first()
    assert line.data["inputs"] == {"collect_on": day.isoformat()}
    other = pick.order(1)
    pick.arrive(other)
    pick.call(other)
    saved = outcome_handler(
        order_id=other.pk,
        actor=pick.operator,
        args={"code": "wrong_point", "inputs": {"pickup_point": "  Почта   101000 "}},
        now=NOW,
    )
    assert Shipment.objects.get(order=other).requested_point == "Почта 101000"
