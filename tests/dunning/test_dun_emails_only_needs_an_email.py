"""Issue 23 item 14: "emails only" (DUN-8: an unreachable number gets emails instead of
calls) needs the customer's email address; without one it is refused with a translated
message naming the rule and the field. The pure rule; the outcome's wiring is the
playbook's check (dun.toml `unreachable`)."""

import pytest
from django.utils import translation

from dozvon.dunning.rules import check_emails_only


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
