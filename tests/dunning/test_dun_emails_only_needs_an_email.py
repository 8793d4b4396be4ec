"""Issue 23 item 14: "emails only" (DUN-8: an unreachable number gets emails instead of
calls) needs the customer's email address; without one it is refused with a translated
message naming the rule and the field. The pure rule; the outcome's wiring is the
playbook's check (dun.toml `unreachable`)."""

import pytest
from django.utils import translation

from dozvon.core.errors import RuleViolations
from dozvon.dunning.contact_rules import check_emails_only
from dozvon.orders.services import order_apply_outcome
from tests.dunning.support import at, call, fresh, in_worklist


@pytest.mark.parametrize("email", ["", "   ", None])
def test_emails_only_without_an_email_is_refused_naming_dun_8_and_the_email(email):
    (refused,) = check_emails_only(email=email)
    assert (refused.rule, refused.field) == ("DUN-8", "customer.email")
    with translation.override("ru"):
        assert "нет email" in refused.render()
    with translation.override("uk"):
        assert "немає email" in refused.render()


def test_emails_only_with_an_email_is_allowed_dun_8():
    assert check_emails_only(email="payer@example.com") == []


def test_saving_emails_only_for_a_customer_without_an_email_is_refused_dun_8(dun):
    # given a worklist order whose customer left no email, and a call to a dead number
    order = in_worklist(dun, entered=at(22, 0, 30), n=7, email="")
    call(dun, order, at(22, 10), "skype", result="invalid_number")
    before = fresh(order)
    # when the operator saves "unreachable: emails only"
    with pytest.raises(RuleViolations) as refused:
        order_apply_outcome(
            order_id=order.pk,
            actor=dun.operator,
            code="unreachable",
            comment="Номер не существует",
            now=at(22, 10, 5),
        )
    # then it is refused naming DUN-8 and the email, and nothing changed
    assert ("DUN-8", "customer.email") in {(v.rule, v.field) for v in refused.value.violations}
    after = fresh(order)
    assert (after.status, after.version) == (before.status, before.version)
    assert "unreachable" not in (after.extra or {}).get("marks", {})
