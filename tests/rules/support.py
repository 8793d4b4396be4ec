"""Helpers for the pure rule tests: no database, no fixtures from tests/conftest.py.

The playbooks are parsed straight from the shipped TOML files, and every OutcomeContext
is built by hand with a fixed, aware `now` in the Moscow time zone.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from dozvon.core.errors import Violation
from dozvon.playbooks.definition import OutcomeDef, PlaybookDef, parse_playbook
from dozvon.playbooks.rules import CallFact, OutcomeContext
from dozvon.playbooks.services import playbook_files

TZ = "Europe/Moscow"
MSK = ZoneInfo(TZ)
# Monday 23 November 2026, 12:00 Moscow time: far from midnight, so "today" is unambiguous.
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=MSK)


def load_raw(code: str) -> dict[str, Any]:
    """The playbook file's data, exactly as tomllib reads it."""
    path = {p.stem: p for p in playbook_files()}[code]  # the engine's and the plug-ins'
    return tomllib.loads(path.read_text(encoding="utf-8"))


@cache
def playbook(code: str) -> PlaybookDef:
    return parse_playbook(load_raw(code))


def outcome(playbook_code: str, outcome_code: str) -> OutcomeDef:
    return playbook(playbook_code).outcomes[outcome_code]


def msk(day: int, hour: int, minute: int = 0, *, month: int = 11) -> datetime:
    """A Moscow wall-clock moment in 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=MSK)


def call(at: datetime, result: str = "no_answer") -> CallFact:
    return CallFact(at=at, result=result)


def calls(*moments: datetime, result: str = "no_answer") -> tuple[CallFact, ...]:
    return tuple(CallFact(at=m, result=result) for m in moments)


def context(
    out: OutcomeDef,
    values: Mapping[str, Any] | None = None,
    *,
    now: datetime = NOW,
    **facts: Any,
) -> OutcomeContext:
    """An OutcomeContext for `out`, as the service would build it, from plain facts."""
    return OutcomeContext(
        now=now,
        tz=TZ,
        outcome=out.code,
        rule=out.rule,
        values=dict(values or {}),
        **facts,
    )


def pairs(found: Iterable[Violation]) -> set[tuple[str, str]]:
    """(rule, field) of every violation: what the tests assert on, never message text."""
    return {(v.rule, v.field) for v in found}
