"""NBO on the inbound desk and in the interaction API (registered at `plugins.INBOUND`):
the number's offers by priority with their scripts, the excluded ones with why (NBO-1,
NBO-4), nothing for a second-line operator (NBO-3); the answer to each offer voiced and
the reason when none was (NBO-1…5), recorded in the interaction's own transaction; then
a link to the interaction's page for a balance adjustment (NBO-6)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from dozvon.customers.rules import phone_key
from dozvon.interactions.desk import END, HEAD, RECORD, DeskBlock, DeskPart, DeskView, errors_of
from dozvon.offers import rules
from dozvon.offers import selectors as sel
from dozvon.offers.models import LostSale, OfferResponse, Response
from dozvon.offers.services import offers_record

SESSION_RECORDED = "dozvon_inbound_recorded"  # NBO-6: the interaction just recorded
# the record form's fields whose refusals the offers show (`offers[0].offer` too)
FIELDS_SHOWN = frozenset({"offers", "lost_reason"})


def desk_offers(*, project, phone: str, user) -> dict[str, Any] | None:
    """What the desk shows of the caller's number (None for a project without offers):
    its offers by priority with their scripts, the excluded ones with why (NBO-1, NBO-4),
    or nothing for a second-line operator (NBO-3)."""
    if not sel.offers_enabled(project) or not phone:
        return None
    number = sel.offers_for_number(
        project=project, phone=phone, today=sel.today_of(project), actor=user
    )
    return {
        "may_offer": sel.may_offer(user, project),
        "eligible": number.eligible,
        "excluded": number.excluded,
        "responses": Response.choices,
        "archive_url": reverse("offers:archive", args=[project.slug])
        + f"?phone={phone_key(phone)}",
    }


def offers_from_post(post) -> tuple[list[dict[str, str]], str | None]:
    """The desk form's offers (`offer_<code>` = yes/no/think, empty: not voiced) and the
    lost-sale reason, as `offers_record` takes them."""
    offers = [
        {"offer": key.removeprefix("offer_")[:40], "response": value[:8]}
        for key, value in post.items()
        if key.startswith("offer_") and value
    ]
    reason = (post.get("lost_reason") or "").strip()[: rules.REASON_MAX + 1]
    return offers, reason or None


def desk_context(view: DeskView) -> dict[str, Any] | None:
    """The desk's NBO variables: the number's offers (`nbo`, NBO-1/3/4) with what a
    refused form had chosen, their refusals (`offer_errors`), the interaction just
    recorded (`recorded`, NBO-6); None: the project makes no offers."""
    if not sel.offers_enabled(view.project):
        return None
    offers = desk_offers(project=view.project, phone=view.phone, user=view.request.user)
    if offers is not None:
        offers["picked"] = view.form.get("offers", [])
        offers["voiced"] = [item.partition(":")[0] for item in offers["picked"]]
        offers["lost_reason"] = view.form.get("lost_reason", "")
    recorded = view.request.session.pop(SESSION_RECORDED, None)
    return {
        "nbo": offers,
        "offer_errors": errors_of(view.errors, FIELDS_SHOWN),
        "recorded": recorded if isinstance(recorded, int) else None,
    }


def desk_class(data: dict[str, Any]) -> str:
    """The offers beside the record's fields, for an operator who makes them."""
    return "nbo-desk" if data["nbo"] and data["nbo"]["may_offer"] else ""


def desk_parse(request, project, *, now) -> DeskPart:
    """NBO-1…5: the answer to each offer voiced (`offer_<code>`), or why none was,
    recorded after the interaction in its transaction."""
    if not sel.offers_enabled(project):
        return DeskPart(form={"offers": [], "lost_reason": ""})
    offers, lost_reason = offers_from_post(request.POST)

    def after(interaction) -> None:
        offers_record(
            interaction_id=interaction.pk,
            offers=offers,
            lost_reason=lost_reason,
            actor=request.user,
            now=now,
        )

    def done(request, interaction) -> None:
        request.session[SESSION_RECORDED] = interaction.pk

    return DeskPart(
        form={
            "offers": [f"{o['offer']}:{o['response']}" for o in offers],
            "lost_reason": lost_reason or "",
        },
        after=after,
        done=done,
    )


def api_record(interaction, values: dict[str, Any], *, actor, now) -> None:
    """`POST …/interactions`: the offers voiced and the lost sale's reason (NBO-1…5)."""
    offers_record(
        interaction_id=interaction.pk,
        offers=list(values.get("offers") or ()),
        lost_reason=values.get("lost_reason"),
        actor=actor,
        now=now,
    )


def api_out(interaction) -> dict[str, Any]:
    """The offers voiced in the interaction and their responses now, the lost sale's
    reason."""
    if not sel.offers_enabled(interaction.project):
        return {}
    voiced = (
        OfferResponse.objects.filter(interaction=interaction)
        .order_by("rank", "id")
        .values_list("campaign__code", "response")
    )
    lost = LostSale.objects.filter(interaction=interaction).values_list("reason", flat=True)
    return {
        "offers": [{"offer": code, "response": response} for code, response in voiced],
        "lost_reason": lost.first(),
    }


NBO_DESK = DeskBlock(
    name="nbo",
    templates={
        HEAD: "offers/_desk_head.html",
        RECORD: "offers/_desk_record.html",
        END: "offers/_desk_end.html",
    },
    context=desk_context,
    fields=FIELDS_SHOWN,
    parse=desk_parse,
    interaction_url="offers:interaction",
    desk_class=desk_class,
    api_fields=("offers", "lost_reason"),
    api_record=api_record,
    api_out=api_out,
)
