"""X-12, issue 26 item 3: the audit log's actions are typed and declared in one place per
owner (`audit.actions.AuditAction`, a plug-in's enum at AUDIT_ACTIONS), each with the
words a supervisor reads; an undeclared action is refused before anything is written."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dozvon.audit.actions import AuditAction, declared, model_change
from dozvon.audit.admin import action_label
from dozvon.audit.models import AuditEntry
from dozvon.audit.services import audit_record
from dozvon.orders.services.events import Event

DOZVON = Path(__file__).resolve().parents[2] / "dozvon"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def literal_actions(source: str) -> list[int]:
    """Lines where `audit_record(action=…)` is given a string written in place."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_record":
            for kw in node.keywords:
                if kw.arg == "action" and isinstance(kw.value, ast.Constant | ast.JoinedStr):
                    found.append(node.lineno)
    return found


def test_no_service_writes_an_audit_action_as_a_bare_string():
    found = {
        f"{path.relative_to(DOZVON)}:{line}"
        for path in DOZVON.rglob("*.py")
        for line in literal_actions(path.read_text(encoding="utf-8"))
    }
    assert found == set()


def test_a_bare_string_action_is_found():
    assert literal_actions('audit_record(action="x.y", now=1)\n') == [1]
    assert literal_actions("audit_record(action=AuditAction.TOKEN_CREATE)\n") == []


def test_every_order_event_is_a_declared_audit_action():
    assert {e.value for e in Event} <= {a.value for a in AuditAction}


def test_the_plugins_actions_are_declared_with_their_words():
    labels = declared()
    assert str(labels["subscription.import"]) and str(labels["offers.campaigns_load"])
    assert action_label("subscription.import") == str(labels["subscription.import"])


@pytest.mark.django_db
def test_an_undeclared_action_is_refused_and_nothing_is_written():
    with pytest.raises(ValueError, match="undeclared audit action"):
        audit_record(actor=None, action="order.teleport", target_type="order", target_id=1, now=NOW)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_configuration_change_is_declared_by_its_model_and_verb():
    entry = audit_record(
        actor=None,
        action=model_change("messagetemplate", "change"),
        target_type="messagetemplate",
        target_id=1,
        now=NOW,
    )
    assert entry.action == "messagetemplate.change"
    with pytest.raises(ValueError):
        model_change("messagetemplate", "teleport")
