"""Who may write a field (X-2), as its declaration in playbooks/fields.py names: a short
delivery window's approval by the delivery department (SHOP-7), a VIP mark by a
supervisor (X-3). Pure: the edit and the outcome services both apply `check_writers`."""

from __future__ import annotations

import pytest
from django.utils import translation

from dozvon.core.errors import violation
from dozvon.playbooks.fields import check_writers

pytestmark = pytest.mark.nodb


def _pairs(found) -> set[tuple[str, str]]:
    return {(v.rule, v.field) for v in found}


@pytest.mark.parametrize("role", ["delivery", "supervisor", "admin"])
def test_the_delivery_department_or_a_supervisor_approves_a_short_window_shop_7(role):
    # given an approval of a short delivery window
    values = {"delivery_window_approved": True}
    # when the department, a supervisor or an administrator writes it
    found = check_writers(values, role=role)
    # then nothing is refused
    assert found == []


def test_an_operator_cannot_approve_a_short_window_shop_7():
    # given an approval of a short delivery window next to a note the operator may write
    values = {"delivery_window_approved": True, "delivery_note": "Позвонить за час"}
    # when an operator writes them
    found = check_writers(values, role="operator")
    # then the approval alone is refused under SHOP-7, with a message
    assert _pairs(found) == {("SHOP-7", "delivery_window_approved")}
    assert found[0].render()


@pytest.mark.parametrize(("role", "refused"), [("supervisor", False), ("operator", True)])
def test_only_a_supervisor_marks_a_vip_x_3(role, refused):
    # given a VIP mark on the customer, written under the customer's prefix
    # when a supervisor or an operator writes it
    found = check_writers({"vip": True}, role=role, prefix="customer.")
    # then only the operator is refused, naming the field as the API does
    assert _pairs(found) == ({("X-3", "customer.vip")} if refused else set())


def test_a_refused_writer_reads_in_russian():
    """The writer refusals are marked for translation (they once fell out of the catalogue
    and came back in English under Russian)."""
    for field, english in [
        ("vip", "Only a supervisor may mark a VIP."),
        ("delivery_window_approved", "Only the delivery department may approve a short window."),
        ("anything", "Your role may not change this field."),
    ]:
        with translation.override("ru"):
            text = violation("X-3", field, english).render()
        assert text != english and text.strip(), field
