"""The HTTP API contract of `shared/API.md` (django-ninja): the API object, its auth,
parser, renderer and error shapes; the handlers live in one router per domain."""

from __future__ import annotations

from ninja import NinjaAPI

from dozvon.api.batch import router as batch_router
from dozvon.api.changes import router as changes_router
from dozvon.api.interactions import router as interactions_router
from dozvon.api.messages import router as messages_router
from dozvon.api.meta import router as meta_router
from dozvon.api.orders import router as orders_router
from dozvon.api.payments import router as payments_router
from dozvon.api.projects import router as projects_router
from dozvon.api.reports import router as reports_router
from dozvon.core import plugins
from dozvon.httpkit.api_common import (
    ReadableJSONRenderer,
    StrictJSONParser,
    TokenAuth,
    install_error_handlers,
)


class DozvonAPI(NinjaAPI):
    """The API, its OpenAPI document also telling what the HTTP server in front of it
    answers before a request reaches dozvon: a request line over its limit (414, HTML)."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.setdefault("responses", {})["414"] = {
                    "description": "URI too long: refused by the HTTP server (gunicorn)",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                }
        return schema


api = DozvonAPI(
    title="dozvon API",
    version="1",
    description=(
        "Partner sites, PBXs and reporting tools integrate through this API. "
        "Auth: `Authorization: Bearer <token>`. Errors: 422 "
        '`{"errors": [{"rule", "field", "message"}]}` naming the SPEC rule and the field; '
        "401 without a valid token; 404 for anything outside the caller's projects; 403 "
        "when the role may read but not do this; 409 for a stale `version` or an "
        "`external_id` reused with another payload; 413 for a body over the size limit; "
        "415 for a body that is not JSON; 503 with `Retry-After` while the database is "
        "unreachable."
    ),
    urls_namespace="api-v1",
    auth=TokenAuth(),
    renderer=ReadableJSONRenderer(),
    parser=StrictJSONParser(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("", meta_router)
api.add_router("", projects_router)
api.add_router("", batch_router)  # before orders: /orders/batch is not an order id
# the playbook plug-ins' routers (dozvon.core.plugins.API), before the orders' own
for plugin_router in plugins.items(plugins.API):
    api.add_router("", plugin_router)
api.add_router("", orders_router)
api.add_router("", messages_router)
api.add_router("", changes_router)
api.add_router("", interactions_router)
api.add_router("", payments_router)
api.add_router("", reports_router)


@api.get("/health", auth=None, tags=["meta"], include_in_schema=False)
def health(request):
    return {"ok": True}
