"""NBO-1…5 in an interaction: the offers voiced and their responses, a lost sale, and a
later YES from the number's offer archive. The service recipe: transaction → lock the
interaction after the access check → load the facts (the number's offers on the day of
the call) → pure rules (`offers.rules`) → write → `record()` the timeline lines on the
interaction and their audit row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop as N_

from dozvon.core import clock
from dozvon.core.errors import NotFound, RuleViolations, violation
from dozvon.history.models import TimelineKind
from dozvon.interactions.models import Interaction, Transfer
from dozvon.interactions.services import interaction_record, lock_interaction
from dozvon.offers import rules
from dozvon.offers.models import Campaign, LostSale, OfferCheck, OfferResponse
from dozvon.offers.selectors import campaign_facts, ensure_offers, number_rows, operator_line
from dozvon.orders.services.events import Event, Line, record

RESPONSE_TEXT = {
    rules.YES: N_("Offer %(offer)s voiced: the customer agreed"),
    rules.NO: N_("Offer %(offer)s voiced: the customer refused"),
    rules.THINK: N_("Offer %(offer)s voiced: the customer will think"),
}
CHANGE_TEXT = {
    rules.NO: N_("Offer %(offer)s: the customer agreed after refusing"),
    rules.THINK: N_("Offer %(offer)s: the customer agreed after thinking"),
}
NOT_FIRST_TEXT = N_("%(offer)s is not the number's first offer (%(first)s)")
EXCLUDED_TEXT = N_("Offer %(offer)s not made: the number's %(why)s %(value)s is excluded")
LOST_TEXT = N_("Lost sale: no offer voiced (%(reason)s)")


def _auto(text: str, data: dict[str, Any]) -> Line:
    return Line(text, data, kind=TimelineKind.AUTO)


@transaction.atomic
def offers_record(
    *,
    interaction_id: int,
    offers: Any,
    lost_reason: str | None = None,
    actor,
    now: datetime,
) -> OfferCheck:
    """What the operator did with the number's offers in this interaction, once per
    interaction (`POST …/interactions` calls it for a project that makes offers):

    - NBO-1: each voiced offer ([{offer, response}]) is one of the number's offers active
      on the day of the call, any of them, recorded with its rank (1 = the first);
    - NBO-4: never an excluded offer; the exclusions met are kept for the daily list;
    - NBO-3: none by a second-line operator or on a second-line interaction;
    - NBO-5: none voiced while an eligible offer existed (first line, not to another
      split) is a lost sale, with the operator's `lost_reason` (required then).

    The number's offers as they stood are kept (`OfferCheck`): the KPI counts them.
    Refused with every problem at once, nothing written."""
    interaction = lock_interaction(interaction_id=interaction_id, actor=actor)
    project = interaction.project
    ensure_offers(project, field="offers")
    if OfferCheck.objects.filter(interaction=interaction).exists():
        raise RuleViolations(
            [
                violation(
                    "NBO-2",
                    "offers",
                    "The interaction's offers are already recorded: change a response instead.",
                )
            ]
        )
    day = clock.local_date(interaction.started_at, project.time_zone)
    campaigns = campaign_facts(project)
    number = rules.number_offers(
        campaigns=campaigns, rows=number_rows(project, interaction.phone), day=day
    )
    voiced, found = rules.parse_offers(offers)
    line_of_operator = operator_line(actor, project)
    if voiced:
        found += rules.check_may_offer(
            interaction_line=interaction.line, operator_line=line_of_operator
        )
        found += rules.check_offers(offers=voiced, number=number, known=campaigns)
    expected = (
        rules.offer_expected(line=interaction.line, transferred_to=interaction.transferred_to)
        and line_of_operator != 2
    )
    lost = rules.is_lost_sale(number=number, voiced=bool(voiced), expected=expected)
    reason = rules.clean(lost_reason)
    found += rules.check_lost_reason(lost=lost, voiced=bool(voiced), reason=reason)
    if found:
        raise RuleViolations(found)

    check = OfferCheck.objects.create(
        project=project,
        interaction=interaction,
        started_at=interaction.started_at,
        eligible=list(number.codes),
        excluded=[
            {"code": e.code, "name": e.name, "why": e.why, "value": e.value}
            for e in number.excluded
        ],
        checked_at=now,
    )
    ids = dict(
        Campaign.objects.filter(project=project, code__in=[v.offer for v in voiced]).values_list(
            "code", "pk"
        )
    )
    lines: list[Line] = []
    first = number.eligible[0].code if number.eligible else ""
    responses = []
    for v in voiced:
        rank = number.rank_of(v.offer) or 0
        responses.append(
            OfferResponse(
                interaction=interaction,
                campaign_id=ids[v.offer],
                response=v.response,
                rank=rank,
                operator=actor if getattr(actor, "pk", None) else None,
                at=now,
            )
        )
        data = {"offer": v.offer, "response": v.response, "rank": rank}
        lines.append(_auto(RESPONSE_TEXT[v.response], data))
        if rank > 1:
            lines.append(_auto(NOT_FIRST_TEXT, {"offer": v.offer, "first": first, "rank": rank}))
    OfferResponse.objects.bulk_create(responses)
    for e in number.excluded:
        lines.append(_auto(EXCLUDED_TEXT, {"offer": e.code, "why": e.why, "value": e.value}))
    if lost:
        LostSale.objects.create(
            project=project,
            interaction=interaction,
            reason=reason,
            campaigns=list(number.codes),
            at=now,
        )
        lines.append(_auto(LOST_TEXT, {"reason": reason, "offers": list(number.codes)}))
    if lines:
        record(
            Event.INTERACTION_OFFER,
            interaction=interaction,
            actor=actor,
            now=now,
            lines=lines,
            changes={
                "offers": [{"offer": v.offer, "response": v.response} for v in voiced],
                "eligible": list(number.codes),
                "excluded": [e.code for e in number.excluded],
                "lost_sale": lost,
            },
        )
    return check


@transaction.atomic
def offer_response_change(
    *, interaction_id: int, offer: str, response: str, actor, now: datetime
) -> tuple[OfferResponse, bool]:
    """NBO-2: a saved response changes only from NO or THINK to YES (the customer who
    refused agrees later: ticked YES in the number's offer archive); the same response
    again changes nothing. The timeline keeps both. (response, changed)."""
    interaction = lock_interaction(interaction_id=interaction_id, actor=actor)
    project = interaction.project
    ensure_offers(project, field="offer")
    found = rules.check_may_offer(
        interaction_line=rules.FIRST_LINE,
        operator_line=operator_line(actor, project),
        field="response",
    )
    if found:
        raise RuleViolations(found)
    saved = (
        OfferResponse.objects.select_for_update()
        .select_related("campaign")
        .filter(interaction=interaction, campaign__code=offer)
        .first()
    )
    if saved is None:
        raise NotFound()
    new = rules.clean(response).lower()
    found = rules.check_response_change(old=saved.response, new=new)
    if found:
        raise RuleViolations(found)
    if new == saved.response:
        return saved, False
    old = saved.response
    saved.response = new
    saved.changed_at = now
    saved.changed_by = actor if getattr(actor, "pk", None) else None
    saved.save(update_fields=["response", "changed_at", "changed_by"])
    record(
        Event.INTERACTION_OFFER,
        interaction=interaction,
        actor=actor,
        now=now,
        lines=[_auto(CHANGE_TEXT[old], {"offer": offer, "from": old, "to": new})],
        changes={"offer": offer, "response": [old, new]},
    )
    return saved, True


@transaction.atomic
def nbo_interaction_record(
    *,
    project,
    actor,
    phone: str,
    line: str | None = None,
    subject: str,
    comment: str,
    transferred_to: str = Transfer.NONE,
    started_at: datetime | None = None,
    offers: Any = None,
    lost_reason: str | None = None,
    now: datetime,
) -> Interaction:
    """An inbound interaction of an NBO project recorded in one step with its offers
    (`interaction_record` then `offers_record`, one transaction: a refused offer leaves
    no interaction either)."""
    interaction = interaction_record(
        project=project,
        actor=actor,
        phone=phone,
        line=line,
        subject=subject,
        comment=comment,
        transferred_to=transferred_to,
        started_at=started_at,
        now=now,
    )
    offers_record(
        interaction_id=interaction.pk,
        offers=offers or [],
        lost_reason=lost_reason,
        actor=actor,
        now=now,
    )
    return interaction
