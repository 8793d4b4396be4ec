"""Batch intake (issue 18, X-10; API.md round 2): up to 100 intake bodies in one request,
each taken in by the same service and rules as a single intake, each idempotent by its
`external_id`; one bad order never blocks the others."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.utils.translation import gettext
from ninja import Body, Router, Schema
from pydantic import ValidationError

from dozvon.api.common import field_of
from dozvon.api.orders import intake_arguments
from dozvon.api.schemas import ErrorOut, IntakeIn, OrderOut, responses
from dozvon.api.serializers import order_out
from dozvon.core import clock
from dozvon.core.errors import DomainError, DuplicateExternalId, RuleViolations, violation
from dozvon.orders import services as order_svc
from dozvon.projects.access import INTAKE, ensure_can, project_for

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
    items = []
    for raw in payload:
        external_id = raw.get("external_id") if isinstance(raw.get("external_id"), str) else None
        try:
            body = IntakeIn.model_validate(raw)
        except ValidationError as exc:
            errors = [
                {
                    "rule": "input",
                    "field": field_of(e["loc"]),
                    "message": gettext("Invalid value: %(reason)s") % {"reason": e["msg"]},
                }
                for e in exc.errors()
            ]
            items.append(_refused(external_id, errors))
            continue
        try:
            order, created = order_svc.order_intake(
                project=project, actor=request.auth, now=now, **intake_arguments(body, project)
            )
        except RuleViolations as exc:
            items.append(_refused(body.external_id, [v.as_dict() for v in exc.violations]))
            continue
        except DuplicateExternalId as exc:
            message = gettext(
                "This external_id is already used by order %(id)s with another payload."
            ) % {"id": exc.order_id}
            items.append(
                _refused(
                    body.external_id, [{"rule": "X-10", "field": "external_id", "message": message}]
                )
            )
            continue
        except DomainError:
            raise  # access refusals apply to the whole batch (404/403)
        items.append(
            {
                "external_id": body.external_id,
                "result": "created" if created else "existing",
                "order": order_out(order, now=now),
            }
        )
    return {"items": items}
