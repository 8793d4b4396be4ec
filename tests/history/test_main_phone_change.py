"""X-3, X-4, X-6: a customer's main phone replaced on the card keeps the old number as an
extra phone, and the history says "Основной телефон: old → new" — with no false line about
extra phones the operator did not touch."""

from __future__ import annotations

from django.utils import timezone, translation

from dozvon.customers.models import CustomerPhone
from dozvon.orders import services as svc
from dozvon.orders.selectors import order_timeline, timeline_text
from dozvon.playbooks.selectors import playbook_def


def _edit(world, order, customer):
    order.refresh_from_db()
    return svc.order_update(
        order_id=order.pk,
        actor=world.operator,
        version=order.version,
        customer=customer,
        now=timezone.now(),
    )


def _edit_lines(order) -> list[str]:
    pb = playbook_def(order.project.playbook)
    with translation.override("ru"):
        return [timeline_text(e, pb) for e in order_timeline(order) if e.kind == "edit"]


def _phones(order) -> tuple[str, list[str]]:
    rows = CustomerPhone.objects.filter(customer=order.customer).order_by("phone")
    main = [r.phone for r in rows if r.is_main]
    return (main[0] if main else ""), [r.phone for r in rows if not r.is_main]


def test_a_replaced_main_phone_stays_as_an_extra_phone_without_a_false_line_x_4(cod):
    # given a customer whose main phone is +7 916 111-22-33 and no extra phones
    order = cod.intake(phone="+79161112233")
    # when the operator types a new main phone in the card's form, which also sends the
    # (empty) extra phones it showed
    _edit(cod, order, {"phone": "+7 916 444-55-66", "extra_phones": []})
    # then the new number is the main one and the old one is kept as an extra phone
    assert _phones(order) == ("+79164445566", ["+79161112233"])
    order.refresh_from_db()
    assert order.phone == "+79164445566"
    # and the history has one line, the phone old → new as people write it
    assert _edit_lines(order) == ["Основной телефон: +7 916 111-22-33 → +7 916 444-55-66"]


def test_extra_phones_the_operator_changes_with_the_main_one_are_one_true_line_x_3(cod):
    # given a customer with an extra phone
    order = cod.intake(phone="+79161112233")
    _edit(cod, order, {"extra_phones": ["+79167778899"]})
    # when the operator replaces the main phone and removes the extra one
    _edit(cod, order, {"phone": "+79164445566", "extra_phones": []})
    # then the old main is kept, the removed extra is gone
    assert _phones(order) == ("+79164445566", ["+79161112233"])
    # and the extra phones line says only what the operator changed
    lines = _edit_lines(order)
    assert lines[-2:] == [
        "Основной телефон: +7 916 111-22-33 → +7 916 444-55-66",
        "Доп. телефоны: +7 916 111-22-33, +7 916 777-88-99 → +7 916 111-22-33",
    ]


def test_the_old_main_phone_still_finds_the_customer_x_4(cod):
    # given a customer whose main phone was replaced
    order = cod.intake(phone="+79161112233")
    _edit(cod, order, {"phone": "+79164445566", "extra_phones": []})
    # when an order arrives from the old number
    again = cod.intake(phone="+7 (916) 111-22-33", external_id="again")
    # then it is the same customer
    assert again.customer_id == order.customer_id
