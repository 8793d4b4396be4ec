"""Inbound interactions (X-8; API.md round 2): a contact recorded in one request, read back
with its history; on a SUB project with its subscription's outcome (SUB-3). NBO adds its
facts (offers) later."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from dozvon.api.schemas import Moment, PhoneIn, TimelineOut, responses
from dozvon.api.serializers import iso, timeline_out
from dozvon.core import clock, limits
from dozvon.core.errors import RuleViolations, violation
from dozvon.interactions import selectors as sel
from dozvon.interactions.models import Interaction, Line, Transfer
from dozvon.interactions.services import interaction_record
from dozvon.projects.access import project_for

router = Router()


class InteractionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    phone: PhoneIn
    line: Annotated[str, Field(max_length=limits.CODE)] = Line.FIRST
    subject: Annotated[str, Field(max_length=200)]
    comment: Annotated[str, Field(max_length=limits.COMMENT)]
    transferred: bool = False
    transferred_to: Annotated[str, Field(max_length=limits.CODE)] = ""
    started_at: Moment | None = None
    # SUB-3: the contact's subscription, outcome and the issues bought (SUB projects)
    subscription: int | None = None
    outcome: Annotated[str, Field(max_length=limits.CODE)] | None = None
    issues: (
        Annotated[list[Annotated[int, Field(ge=0, le=100_000)]], Field(max_length=1000)] | None
    ) = None
    # NBO facts: accepted by projects of that playbook (not yet available)
    offers: list[dict[str, Any]] | None = None
    lost_reason: Annotated[str, Field(max_length=limits.COMMENT)] | None = None


class InteractionOut(Schema):
    id: int
    project: str
    phone: str
    customer: int | None
    line: str
    direction: str
    operator: str | None
    started_at: datetime
    ended_at: datetime | None
    subject: str
    comment: str
    transferred: bool
    transferred_to: str
    version: int
    subscription: int | None = None
    outcome: str | None = None
    issues: list[int] = []


def interaction_out(i: Interaction) -> dict[str, Any]:
    tz = i.project.time_zone
    contact = i.subscription_contacts.order_by("id").first()
    return {
        "subscription": contact.subscription_id if contact else None,
        "outcome": contact.outcome if contact else None,
        "issues": list(contact.issues) if contact else [],
        "id": i.pk,
        "project": i.project.slug,
        "phone": i.phone,
        "customer": i.customer_id,
        "line": i.line,
        "direction": i.direction,
        "operator": i.operator.username if i.operator_id else None,
        "started_at": iso(i.started_at, tz),
        "ended_at": iso(i.ended_at, tz),
        "subject": i.subject,
        "comment": i.comment,
        "transferred": bool(i.transferred_to),
        "transferred_to": i.transferred_to,
        "version": i.version,
    }


_LATER = ("offers", "lost_reason")


@router.post(
    "/projects/{slug}/interactions",
    tags=["interactions"],
    response=responses({201: InteractionOut}, body=True),
    summary="Record an inbound interaction (started and finished at once)",
)
def record_interaction(request, slug: str, payload: InteractionIn):
    project = project_for(request.auth, slug)
    given = [name for name in _LATER if getattr(payload, name) is not None]
    if given:
        raise RuleViolations(
            [violation("input", n, "Not available for this project yet.") for n in given]
        )
    transferred_to = payload.transferred_to or (Transfer.OTHER_SPLIT if payload.transferred else "")
    interaction = interaction_record(
        project=project,
        actor=request.auth,
        phone=payload.phone,
        line=payload.line,
        subject=payload.subject,
        comment=payload.comment,
        transferred_to=transferred_to,
        started_at=payload.started_at,
        subscription=payload.subscription,
        outcome=payload.outcome,
        issues=payload.issues,
        now=clock.now(),
    )
    return Status(201, interaction_out(interaction))


@router.get(
    "/interactions/{interaction_id}",
    tags=["interactions"],
    response=responses({200: InteractionOut}),
)
def get_interaction(request, interaction_id: int):
    return interaction_out(sel.interaction_get(interaction_id=interaction_id, actor=request.auth))


@router.get(
    "/interactions/{interaction_id}/timeline",
    tags=["interactions"],
    response=responses({200: list[TimelineOut]}),
)
def get_interaction_timeline(request, interaction_id: int):
    interaction = sel.interaction_get(interaction_id=interaction_id, actor=request.auth)
    tz = interaction.project.time_zone
    return [timeline_out(e, tz) for e in sel.interaction_timeline(interaction)]
