"""NBO-1: loading campaigns and per-number eligibility (API, XLSX/CSV upload). A load is
all or nothing: every row is checked first and every problem named (`[i].field`); a
re-load of the same rows changes nothing (campaigns by code, eligibility by number and
offer), so the partner may send its lists again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from dozvon.audit.services import audit_record
from dozvon.core.errors import RuleViolations, violation
from dozvon.customers.rules import phone_key
from dozvon.offers import rules
from dozvon.offers.audit_actions import NboAuditAction
from dozvon.offers.models import Campaign, Eligibility
from dozvon.offers.selectors import ensure_offers
from dozvon.projects.access import OFFERS, ensure_can

MAX_CAMPAIGNS = 500
MAX_ELIGIBILITY = 20_000
BATCH = 1000


@dataclass(frozen=True)
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _too_many(rows: Sequence[Any], most: int) -> None:
    if len(rows) > most:
        raise RuleViolations(
            [violation("input", "body", "At most %(max)s rows in one load.", max=most)]
        )


CAMPAIGN_FIELDS = (
    "name",
    "script",
    "priority",
    "starts_on",
    "ends_on",
    "excluded_tariffs",
    "excluded_services",
)


def _campaign_values(f: rules.CampaignFacts) -> dict[str, Any]:
    return {
        "name": f.name,
        "script": f.script,
        "priority": f.priority,
        "starts_on": f.starts_on,
        "ends_on": f.ends_on,
        "excluded_tariffs": sorted(f.excluded_tariffs),
        "excluded_services": sorted(f.excluded_services),
    }


@transaction.atomic
def campaigns_load(
    *, project, rows: Sequence[Mapping[str, Any]], actor, now: datetime
) -> LoadResult:
    """NBO-1/NBO-4: create or update the project's campaigns by `code` (a supervisor or
    the partner's integration)."""
    ensure_can(actor, project, OFFERS)
    ensure_offers(project)
    _too_many(rows, MAX_CAMPAIGNS)
    found: list = []
    parsed: dict[str, rules.CampaignFacts] = {}
    for i, row in enumerate(rows):
        facts, problems = rules.check_campaign_row(row, at=f"[{i}].")
        found += problems
        if not problems and facts.code in parsed:
            found.append(
                violation(
                    "input", f"[{i}].code", "Campaign %(code)s is given twice.", code=facts.code
                )
            )
        parsed[facts.code] = facts
    if found:
        raise RuleViolations(found)
    existing = {
        c.code: c
        for c in Campaign.objects.select_for_update().filter(project=project, code__in=list(parsed))
    }
    created = updated = unchanged = 0
    for code, facts in parsed.items():
        values = _campaign_values(facts)
        campaign = existing.get(code)
        if campaign is None:
            Campaign.objects.create(
                project=project, code=code, created_at=now, updated_at=now, **values
            )
            created += 1
            continue
        changed = [name for name, value in values.items() if getattr(campaign, name) != value]
        if not changed:
            unchanged += 1
            continue
        for name in changed:
            setattr(campaign, name, values[name])
        campaign.updated_at = now
        campaign.save(update_fields=[*changed, "updated_at"])
        updated += 1
    result = LoadResult(created, updated, unchanged)
    audit_record(
        actor=actor,
        action=NboAuditAction.CAMPAIGNS_LOAD,
        target_type="project",
        target_id=project.pk,
        project=project,
        changes={**result.as_dict(), "codes": sorted(parsed)[:100]},
        now=now,
    )
    return result


def _chunks(items: Sequence[Any], size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def eligibility_load(
    *, project, rows: Sequence[Mapping[str, Any]], actor, now: datetime
) -> LoadResult:
    """NBO-1/NBO-4: which numbers (any format, kept in E.164: X-4) may get which offers,
    at what priority, with the number's tariff and services; by (number, offer). A
    number given twice keeps its last row."""
    ensure_can(actor, project, OFFERS)
    ensure_offers(project)
    _too_many(rows, MAX_ELIGIBILITY)
    campaigns = {c.code: c for c in Campaign.objects.filter(project=project)}
    found: list = []
    wanted: dict[tuple[str, int], dict[str, Any]] = {}
    for i, row in enumerate(rows):
        parsed, problems = rules.check_eligibility_row(row, known=campaigns, at=f"[{i}].")
        if problems:
            found += problems
            continue
        campaign = campaigns[parsed.offer]
        wanted[(phone_key(parsed.phone), campaign.pk)] = {
            "priority": parsed.priority,
            "tariff": parsed.tariff,
            "services": list(parsed.services),
        }
    if found:
        raise RuleViolations(found[:200])
    existing: dict[tuple[str, int], Eligibility] = {}
    phones = sorted({phone for phone, _ in wanted})
    for chunk in _chunks(phones, BATCH):
        for e in Eligibility.objects.filter(project=project, phone__in=chunk):
            existing[(e.phone, e.campaign_id)] = e
    created = updated = unchanged = 0
    writes: list[Eligibility] = []
    for (phone, campaign_id), values in wanted.items():
        current = existing.get((phone, campaign_id))
        if current is None:
            created += 1
        elif all(getattr(current, k) == v for k, v in values.items()):
            unchanged += 1
            continue
        else:
            updated += 1
        writes.append(
            Eligibility(
                project=project, phone=phone, campaign_id=campaign_id, loaded_at=now, **values
            )
        )
    for chunk in _chunks(writes, BATCH):
        # an upsert: a concurrent load of the same number meets no unique error
        Eligibility.objects.bulk_create(
            chunk,
            update_conflicts=True,
            unique_fields=["project", "phone", "campaign"],
            update_fields=["priority", "tariff", "services", "loaded_at"],
        )
    result = LoadResult(created, updated, unchanged)
    audit_record(
        actor=actor,
        action=NboAuditAction.ELIGIBILITY_LOAD,
        target_type="project",
        target_id=project.pk,
        project=project,
        changes=result.as_dict(),
        now=now,
    )
    return result
