"""Batch intake (issue 18, X-10; API.md round 2): up to 100 intake bodies in one request,
each taken in by the same service and rules as a single intake, each idempotent by its
`external_id`; one bad order never blocks the others."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext
from ninja import Body, Router, Schema
from pydantic import ValidationError

from dozvon.api.orders import intake_arguments
from dozvon.core import clock
from dozvon.core.errors import DomainError, DuplicateExternalId, RuleViolations, violation
from dozvon.httpkit.api_common import field_of
from dozvon.httpkit.api_schemas import ErrorOut, IntakeIn, OrderOut, responses
from dozvon.httpkit.api_serializers import order_out
from dozvon.orders import services as order_svc
from dozvon.orders.services.base import catalog
from dozvon.projects.access import INTAKE, ensure_can, project_for
from dozvon.webhooks.services import endpoints_read_once

router = Router()
MAX_BATCH = 100


class BatchItemOut(Schema):
    external_id: str | None
    result: Literal["created", "existing", "refused"]
    order: OrderOut | None = None
    errors: list[ErrorOut] | None = None


class BatchOut(Schema):
    items: list[BatchItemOut]


def _refused(external_id, errors: list[dict]) -> dict:
    return {"external_id": external_id, "result": "refused", "errors": errors}


@router.post(
    "/projects/{slug}/orders/batch",
    tags=["orders"],
    response=responses({200: BatchOut}, body=True),
    summary="Batch intake: up to 100 intake bodies, a result for each",
)
def intake_batch(
    request,
    slug: str,
    payload: Annotated[
        list[dict[str, Any]],
        Body(..., description="1–100 intake bodies, as `POST /projects/{slug}/orders` takes one."),
    ],
):
    project = project_for(request.auth, slug)
    ensure_can(request.auth, project, INTAKE)
    if not 1 <= len(payload) <= MAX_BATCH:
        raise RuleViolations(
            [violation("input", "body", "Send from 1 to %(max)s orders.", max=MAX_BATCH)]
        )
    now = clock.now()
    bodies: list[IntakeIn | dict] = []
    for raw in payload:
        try:
            bodies.append(IntakeIn.model_validate(raw))
        except ValidationError as exc:
            external_id = raw.get("external_id")
            errors = [
                {
                    "rule": "input",
                    "field": field_of(e["loc"]),
                    "message": gettext("Invalid value: %(reason)s") % {"reason": e["msg"]},
                }
                for e in exc.errors()
            ]
            bodies.append(_refused(external_id if isinstance(external_id, str) else None, errors))
    # the batch's products in one read, and the project's webhook endpoints read once
    # (issue 18): each order is still taken in by the single intake's service and rules,
    # in a transaction of its own (the changes feed numbers changes in commit order: one
    # transaction for the whole batch would hold every other writer of the project back)
    skus = {i.sku for body in bodies if isinstance(body, IntakeIn) for i in body.items}
    catalogue = catalog(project, skus)
    items, orders = [], []
    with endpoints_read_once():
        for body in bodies:
            items.append(_one(request, project, body, catalogue, now))
            if "order" in items[-1]:
                orders.append(items[-1]["order"])
    # the answer's items and phones for the whole batch at once
    prefetch_related_objects(orders, "items", "customer__phones")
    for item in items:
        if "order" in item:
            item["order"] = order_out(item["order"], now=now)
    return {"items": items}


def _one(request, project, body: IntakeIn | dict, catalogue, now) -> dict:
    """One order of the batch: created, existing or refused with its reasons."""
    if isinstance(body, dict):
        return body  # refused by the input check
    try:
        order, created = order_svc.order_intake(
            project=project,
            actor=request.auth,
            now=now,
            catalogue=catalogue,
            **intake_arguments(body, project),
        )
    except RuleViolations as exc:
        return _refused(body.external_id, [v.as_dict() for v in exc.violations])
    except DuplicateExternalId as exc:
        message = gettext(
            "This external_id is already used by order %(id)s with another payload."
        ) % {"id": exc.order_id}
        return _refused(
            body.external_id, [{"rule": "X-10", "field": "external_id", "message": message}]
        )
    except DomainError:
        raise  # access refusals apply to the whole batch (404/403)
    return {
        "external_id": body.external_id,
        "result": "created" if created else "existing",
        "order": order,
    }
