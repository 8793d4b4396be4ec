"""Loading playbook files into the database (audited). The engine runs on `definition`."""

from __future__ import annotations

import hashlib
import tomllib
from datetime import datetime
from pathlib import Path

from django.db import transaction

from dozvon.audit.actions import AuditAction
from dozvon.audit.services import audit_record
from dozvon.core import plugins
from dozvon.playbooks import models as m
from dozvon.playbooks.definition import Check, PlaybookDef, parse_playbook

PLAYBOOK_DIR = Path(__file__).resolve().parent  # the engine's own playbooks (COD, SHOP)


def playbook_files() -> list[Path]:
    """The engine's playbook files and those the plug-ins register (`PLAYBOOK_FILES`)."""
    return sorted(PLAYBOOK_DIR.glob("*.toml")) + sorted(
        Path(f) for f in plugins.items(plugins.PLAYBOOK_FILES)
    )


def _names(n) -> dict[str, str]:
    return {"name_ru": n.ru, "name_uk": n.uk, "name_en": n.en}


@transaction.atomic
def playbook_load(*, path: Path, actor=None, now: datetime) -> tuple[m.Playbook, bool]:
    """Load one file; returns (playbook, changed). Unchanged files are left alone."""
    raw = path.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    data = tomllib.loads(raw.decode("utf-8"))
    pb: PlaybookDef = parse_playbook(data)
    existing = m.Playbook.objects.select_for_update().filter(code=pb.code).first()
    if existing is not None and existing.source_sha256 == sha:
        return existing, False
    playbook = existing or m.Playbook(code=pb.code)
    for key, value in _names(pb.names).items():
        setattr(playbook, key, value)
    playbook.version = pb.version
    playbook.source_sha256 = sha
    playbook.definition = data
    playbook.loaded_at = now
    playbook.save()
    for model in (m.Outcome, m.Queue, m.Problem, m.Status, m.StatusGroup):
        model.objects.filter(playbook=playbook).delete()
    groups = {
        code: m.StatusGroup.objects.create(playbook=playbook, code=code, position=i, **_names(n))
        for i, (code, n) in enumerate(pb.groups.items())
    }
    statuses = {
        s.code: m.Status.objects.create(
            playbook=playbook,
            group=groups[s.group],
            code=s.code,
            position=i,
            is_initial=s.initial,
            **_names(s.names),
        )
        for i, s in enumerate(pb.statuses.values())
    }
    m.Problem.objects.bulk_create(
        m.Problem(playbook=playbook, code=code, position=i, **_names(n))
        for i, (code, n) in enumerate(pb.problems.items())
    )
    m.Queue.objects.bulk_create(
        m.Queue(
            playbook=playbook,
            code=q.code,
            callable=q.callable,
            take=q.take,
            match={
                "bucket": q.bucket,
                "created": q.created,
                "min_failed_calls": q.min_failed_calls,
                "max_failed_calls": q.max_failed_calls,
                "unassigned_only": q.unassigned_only,
                "roles": list(q.roles),
            },
            position=i,
            **_names(q.names),
        )
        for i, q in enumerate(pb.queues)
    )
    m.Outcome.objects.bulk_create(
        m.Outcome(
            playbook=playbook,
            code=o.code,
            rule=o.rule,
            status=statuses[o.status],
            requires=list(o.requires),
            forbids=list(o.forbids),
            problems=list(o.problems),
            checks=[Check.as_dict(c) for c in o.checks],
            routes=[r.__dict__ for r in o.routes],
            roles=list(o.roles),
            position=i,
            **_names(o.names),
        )
        for i, o in enumerate(pb.outcomes.values())
    )
    audit_record(
        actor=actor,
        action=AuditAction.PLAYBOOK_LOAD if existing is None else AuditAction.PLAYBOOK_RELOAD,
        target_type="playbook",
        target_id=pb.code,
        changes={"version": pb.version, "sha256": sha, "file": path.name},
        now=now,
    )
    return playbook, True


def playbook_load_all(*, actor=None, now: datetime) -> list[tuple[m.Playbook, bool]]:
    return [playbook_load(path=p, actor=actor, now=now) for p in playbook_files()]
