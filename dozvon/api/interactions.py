"""Inbound interactions (X-8; API.md round 2): a contact recorded in one request, read back
with its history; on a SUB project with its subscription's outcome (SUB-3), on an NBO
project with the offers voiced and their responses or the lost sale's reason (NBO-1…5),
recorded in the interaction's own transaction. What a playbook adds to an interaction (NBO's
offers) comes from its plug-in's desk block (dozvon.interactions.desk, `plugins.INBOUND`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from dozvon.core import clock, limits
from dozvon.core.errors import RuleViolations, violation
from dozvon.httpkit.api_schemas import Moment, PhoneIn, TimelineOut, responses
from dozvon.httpkit.api_serializers import iso, timeline_out
from dozvon.interactions import selectors as sel
from dozvon.interactions.desk import DeskPart, desk_blocks
from dozvon.interactions.models import Interaction, Transfer
from dozvon.interactions.services import inbound_contact
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import project_for

router = Router()


class OfferVoicedIn(Schema):
    """NBO-1/NBO-2: an offer voiced in the interaction and the customer's answer."""

    model_config = ConfigDict(extra="forbid")
    offer: Annotated[str, Field(max_length=limits.CODE)] = Field(
        description="The campaign code, one of the number's active offers (NBO-1)."
    )
    response: Annotated[str, Field(max_length=8)] = Field(description="`yes`, `no` or `think`.")


class InteractionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    phone: PhoneIn
    line: Annotated[str, Field(max_length=limits.CODE)] | None = Field(
        None,
        description="`first` or `second` (X-2). An operator's token records on the "
        "operator's own line (left out: taken from the membership; another one: 422 X-2); "
        "a supervisor or an integration states it, `first` when left out.",
    )
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
    # NBO-1…5: the offers voiced, or why none was (a lost sale); NBO projects only
    offers: Annotated[list[OfferVoicedIn], Field(max_length=50)] | None = Field(
        None, description="NBO: the offers voiced [{offer, response}], any of the number's."
    )
    lost_reason: Annotated[str, Field(max_length=limits.COMMENT)] | None = Field(
        None, description="NBO-5: why no offer was voiced although the number had one."
    )


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
    offers: list[OfferVoicedIn] = Field(
        default_factory=list, description="NBO: the offers voiced and their responses now."
    )
    lost_reason: str | None = Field(None, description="NBO-5: the lost sale's reason.")


def _blocks_out(i: Interaction) -> dict[str, Any]:
    """What the playbook's blocks add to the interaction (NBO: its offers, lost sale)."""
    out: dict[str, Any] = {}
    for block in desk_blocks(playbook_def(i.project.playbook)):
        if block.api_out is not None:
            out.update(block.api_out(i))
    return out


def interaction_out(i: Interaction) -> dict[str, Any]:
    tz = i.project.time_zone
    contact = i.subscription_contacts.order_by("id").first()
    return {
        **_blocks_out(i),
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


# the fields a playbook's block takes (NBO-1…5: `offers`, `lost_reason`); refused on a
# project whose playbook has no block taking them
_BLOCK_FIELDS = ("offers", "lost_reason")


def _dumped(value: Any) -> Any:
    if isinstance(value, list):
        return [v.model_dump() if isinstance(v, Schema) else v for v in value]
    return value


def _api_part(block, payload: InteractionIn, *, actor, now):
    """The block's API fields of the payload, recorded once the interaction is."""
    values = {n: _dumped(getattr(payload, n, None)) for n in block.api_fields}
    return lambda interaction: block.api_record(interaction, values, actor=actor, now=now)


@router.post(
    "/projects/{slug}/interactions",
    tags=["interactions"],
    response=responses({201: InteractionOut}, body=True),
    summary="Record an inbound interaction (started and finished at once)",
)
def record_interaction(request, slug: str, payload: InteractionIn):
    project = project_for(request.auth, slug)
    blocks = [b for b in desk_blocks(playbook_def(project.playbook)) if b.api_record]
    taken = {n for b in blocks for n in b.api_fields}
    given = [n for n in _BLOCK_FIELDS if n not in taken and getattr(payload, n) is not None]
    if given:
        raise RuleViolations(
            [violation("input", n, "Not available for this project.") for n in given]
        )
    transferred_to = payload.transferred_to or (Transfer.OTHER_SPLIT if payload.transferred else "")
    now = clock.now()
    # a block's part (NBO: the offers) is recorded in the interaction's own transaction; a
    # refusal of either writes neither
    parts = [
        DeskPart(after=_api_part(block, payload, actor=request.auth, now=now)) for block in blocks
    ]
    interaction = inbound_contact(
        project=project,
        actor=request.auth,
        contact={
            "phone": payload.phone,
            "line": payload.line,
            "subject": payload.subject,
            "comment": payload.comment,
            "transferred_to": transferred_to,
            "started_at": payload.started_at,
            "subscription": payload.subscription,
            "outcome": payload.outcome,
            "issues": payload.issues,
        },
        parts=parts,
        now=now,
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
