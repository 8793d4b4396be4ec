"""Projects, their catalogue and playbook, queues and take next: thin handlers that
parse, call one service or selector, and render. No rule lives here."""

from __future__ import annotations

from django.utils.translation import get_language
from ninja import Router, Status

from dozvon.catalog.models import Product
from dozvon.core import clock
from dozvon.core.money import format_money
from dozvon.httpkit.api_schemas import (
    OrderOut,
    PlaybookOut,
    ProductOut,
    ProjectOut,
    QueueOut,
    responses,
)
from dozvon.httpkit.api_serializers import card_out, order_response
from dozvon.playbooks.selectors import playbook_def
from dozvon.projects.access import READ, ensure_can, project_for, projects_for
from dozvon.queues import selectors as queue_sel
from dozvon.queues import services as queue_svc

router = Router()


class ProjectPlaybookOut(PlaybookOut):
    """The playbook as data, with the project's settings a client needs to work its
    orders: the caller lines a call attempt names (DUN-7/X-8: `POST /orders/{id}/calls`
    with `line`, two different lines a day; empty when the playbook has none)."""

    caller_lines: list[str]


@router.get("/projects", tags=["projects"], response=responses({200: list[ProjectOut]}))
def list_projects(request):
    lang = get_language()
    return [
        {
            "slug": p.slug,
            "name": p.name,
            "playbook": p.playbook.code,
            "playbook_name": playbook_def(p.playbook).names.get(lang),
            "time_zone": p.time_zone,
            "currency": p.currency,
        }
        for p in projects_for(request.auth).order_by("slug")
    ]


@router.get(
    "/projects/{slug}/products", tags=["projects"], response=responses({200: list[ProductOut]})
)
def list_products(request, slug: str):
    project = project_for(request.auth, slug)
    return [
        {
            "sku": p.sku,
            "name": p.name,
            "price": format_money(p.price),
            "currency": p.currency,
            "max_discount_percent": f"{p.max_discount_percent:.2f}",
        }
        for p in Product.objects.filter(project=project, is_active=True).order_by("sku")
    ]


@router.get(
    "/projects/{slug}/playbook", tags=["projects"], response=responses({200: ProjectPlaybookOut})
)
def get_playbook(request, slug: str):
    project = project_for(request.auth, slug)
    pb = playbook_def(project.playbook)
    return {
        "code": pb.code,
        "version": pb.version,
        "name": pb.names.as_dict(),
        "groups": [{"code": c, "name": n.as_dict()} for c, n in pb.groups.items()],
        "statuses": [
            {"code": s.code, "group": s.group, "name": s.names.as_dict(), "initial": s.initial}
            for s in pb.statuses.values()
        ],
        "problems": [{"code": c, "name": n.as_dict()} for c, n in pb.problems.items()],
        "outcomes": [
            {
                "code": o.code,
                "rule": o.rule,
                "name": o.names.as_dict(),
                "status": o.status,
                "group": pb.statuses[o.status].group,
                "requires": list(o.requires),
                "forbids": list(o.forbids),
                "optional": list(o.optional),
                "form_fields": list(pb.form_fields(o)),
                "problems": list(o.problems),
                "rules": [c.as_dict() for c in o.checks],
                "roles": list(o.roles),
            }
            for o in pb.outcomes.values()
        ],
        "queues": [
            {
                "code": q.code,
                "name": q.names.as_dict(),
                "callable": q.callable,
                "take": q.take,
                "bucket": q.bucket,
                "created": q.created,
                "roles": list(q.roles),
            }
            for q in pb.queues
        ],
        "payment_methods": list(pb.payment_methods),
        "caller_lines": [str(line) for line in pb.settings.get("caller_lines", ())],
    }


@router.get("/projects/{slug}/queues", tags=["queues"], response=responses({200: list[QueueOut]}))
def list_queues(request, slug: str):
    project = project_for(request.auth, slug)
    ensure_can(request.auth, project, READ)
    lang = get_language()
    return [
        {"code": q.code, "name": q.names.get(lang), "count": n, "callable": q.callable}
        for q, n in queue_sel.queue_counts(project=project, now=clock.now())
    ]


@router.post(
    "/projects/{slug}/queues/{code}/next",
    tags=["queues"],
    response=responses({200: OrderOut, 204: None}),
    summary="Claim the next order of a queue (204 when none is due)",
)
def take_next(request, slug: str, code: str):
    project = project_for(request.auth, slug)
    order = queue_svc.queue_take_next(
        project=project, queue_code=code[:40], actor=request.auth, now=clock.now()
    )
    if order is None:
        return Status(204, None)
    # the order as the take returned it, claimed: nothing to read again (issue 18)
    return card_out(order, now=clock.now())


@router.post("/orders/{order_id}/release", tags=["queues"], response=responses({200: OrderOut}))
def release(request, order_id: int):
    queue_svc.order_release(order_id=order_id, actor=request.auth, now=clock.now())
    return order_response(order_id, request)
