"""The parsed playbook of a project, cached per loaded file content."""

from __future__ import annotations

from dozvon.playbooks.definition import PlaybookDef, parse_playbook
from dozvon.playbooks.models import Playbook

_CACHE: dict[str, PlaybookDef] = {}


def playbook_def(playbook: Playbook) -> PlaybookDef:
    parsed = _CACHE.get(playbook.source_sha256)
    if parsed is None:
        parsed = _CACHE[playbook.source_sha256] = parse_playbook(playbook.definition)
    return parsed
