"""Playbooks are data: files load into inspectable rows; a reload is audited (X-12)."""

import tomllib

import pytest

from dozvon.audit.models import AuditEntry
from dozvon.playbooks.definition import PlaybookError, parse_playbook
from dozvon.playbooks.models import Outcome, Playbook, Queue
from dozvon.playbooks.services import playbook_files, playbook_load


def test_every_playbook_file_is_loaded_with_its_outcomes_and_queues(db):
    # given the session-wide load of the repository's playbook files
    codes = set(Playbook.objects.values_list("code", flat=True))
    # then each file is a playbook with rows a supervisor can inspect
    assert codes >= {"cod", "shop"}
    cod = Playbook.objects.get(code="cod")
    assert set(Outcome.objects.filter(playbook=cod).values_list("code", flat=True)) == {
        "confirm",
        "callback",
        "no_answer",
        "reject",
        "invalid",
    }
    assert list(Queue.objects.filter(playbook=cod).values_list("code", flat=True)) == [
        "new",
        "quick_recall",
        "in_work",
        "no_answer_today",
        "no_answer_yesterday",
        "no_answer_day_before",
        "no_answer_earlier",
    ]
    assert Outcome.objects.get(playbook=cod, code="callback").rule == "COD-16"


def test_loading_an_unchanged_file_again_changes_nothing(db, now):
    path = next(p for p in playbook_files() if p.stem == "cod")
    audits = AuditEntry.objects.count()
    playbook, changed = playbook_load(path=path, now=now)
    assert not changed
    assert AuditEntry.objects.count() == audits


def test_changed_file_is_reloaded_and_audited(db, now, tmp_path):
    # given a copy of the COD playbook with a new version
    source = next(p for p in playbook_files() if p.stem == "cod").read_text("utf-8")
    changed_file = tmp_path / "cod.toml"
    changed_file.write_text(source.replace("version = 1", "version = 2", 1), "utf-8")
    # when it is loaded
    playbook, changed = playbook_load(path=changed_file, now=now)
    # then the rows follow and the reload is in the audit log
    assert changed and playbook.version == 2
    assert AuditEntry.objects.filter(action="playbook.reload", target_id="cod").exists()


def test_every_repository_playbook_file_parses():
    for path in playbook_files():
        parse_playbook(tomllib.loads(path.read_text("utf-8")))


def test_a_broken_playbook_file_is_refused_with_every_problem():
    with pytest.raises(PlaybookError) as refused:
        parse_playbook(
            {
                "code": "x",
                "name": {"ru": "x", "uk": "x", "en": "x"},
                "statuses": [{"code": "a", "group": "nope"}],
                "outcomes": [{"code": "o", "status": "zzz", "checks": [{"check": "no_such_rule"}]}],
            }
        )
    text = str(refused.value)
    assert "unknown group" in text and "unknown status" in text and "no_such_rule" in text
    assert "exactly one status must be initial" in text
