"""`GET /api/v1/whoami`: a partner checks its token (X-13) — whose it is and what it may do.

The handler does nothing but the bearer check every request makes (one indexed read of
the token with its user): it is also the framework's floor in `make bench`, the cheapest
authenticated request dozvon answers, against which the hot requests are measured
(issue 18)."""

from __future__ import annotations

from ninja import Field, Router, Schema

from dozvon.httpkit.api_schemas import responses
from dozvon.projects.access import token_scopes
from dozvon.projects.models import Project

router = Router()


class WhoAmIOut(Schema):
    user: str = Field(description="The username the token belongs to.")
    scopes: dict[str, list[str]] | None = Field(
        description="null: the token carries its user's roles in every project of theirs. "
        "Otherwise what the token may do, by project slug (`intake`, `payments`, "
        "`changes`, `read`); projects not listed are out of its reach (X-13)."
    )


@router.get(
    "/whoami",
    tags=["meta"],
    response=responses({200: WhoAmIOut}),
    summary="Check a token: its user and, for a limited token, its scopes per project",
)
def whoami(request):
    scopes = token_scopes(request.auth)
    if scopes is None:  # a person's token: nothing to read beyond the token itself
        return {"user": request.auth.get_username(), "scopes": None}
    slugs = dict(Project.objects.filter(pk__in=scopes, is_active=True).values_list("pk", "slug"))
    return {
        "user": request.auth.get_username(),
        "scopes": {slugs[pk]: sorted(names) for pk, names in scopes.items() if pk in slugs},
    }
