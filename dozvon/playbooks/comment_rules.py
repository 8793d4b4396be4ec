"""X-6: rules over every operator comment that a plug-in supplies (DUN-6: comments in
Russian), kept apart from the outcome checks of `playbooks.rules`: plain functions, no
ORM. The comment service asks `check_comment_text` with the playbook's settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dozvon.core.errors import Violation

# Rules over every operator comment that a plug-in supplies, each turned on by its
# key in the playbook's `[settings.comments]` (DUN-6: `language`): key → a function
# `(conf, text, *, field) -> list[Violation]` of that table, the text and the input's name.
COMMENT_RULES: dict[str, Callable[..., list[Violation]]] = {}


def register_comment_rule(key: str, fn: Callable[..., list[Violation]]) -> None:
    """A plug-in's rule over every comment, on for a playbook whose `[settings.comments]`
    has `key` (idempotent)."""
    COMMENT_RULES[key] = fn


def check_comment_text(
    settings: Mapping[str, Any], text: str | None, *, field: str
) -> list[Violation]:
    """The playbook's rules over every operator comment (`[settings.comments]`, DUN-6: in
    Russian), for the comment service; no rule, nothing refused."""
    conf = settings.get("comments") or {}
    return [
        found
        for key, check in COMMENT_RULES.items()
        if key in conf
        for found in check(conf, text, field=field)
    ]
