"""Issue 26: an inbound contact's subscription facts (SUB-3) reach the subscriptions
plug-in only through the CONTACTS point of dozvon.core.plugins, for the project whose
playbook says `plugin = "subscriptions"`; another project's interactions refuse them."""

from __future__ import annotations

import pytest

from dozvon.core.errors import RuleViolations
from dozvon.interactions.contacts import contact_handlers, contacts_check
from dozvon.interactions.services import interaction_record
from dozvon.subscriptions.contact_handler import CONTACT_HANDLER


def test_a_sub_project_s_contacts_go_to_the_subscriptions_plug_in(sub, shop):
    assert contact_handlers(sub.project) == [CONTACT_HANDLER]
    assert contact_handlers(shop.project) == []


def test_an_interaction_without_facts_asks_no_plug_in(shop):
    facts = {"subscription": None, "outcome": "", "issues": []}
    assert contacts_check(project=shop.project, actor=shop.operator, facts=facts) == ([], [])


def test_facts_a_project_s_playbook_cannot_take_are_refused_naming_each(shop, now):
    with pytest.raises(RuleViolations) as refused:
        interaction_record(
            project=shop.project,
            actor=shop.operator,
            phone="+79161234567",
            line="first",
            subject="вопрос",
            comment="ответили",
            outcome="stayed",
            issues=[89],
            now=now,
        )
    assert [(v.rule, v.field, v.message) for v in refused.value.violations] == [
        ("input", "outcome", "Not available for this project."),
        ("input", "issues", "Not available for this project."),
    ]
