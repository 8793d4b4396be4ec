"""Bad input never reaches the database as a server error: PostgreSQL text cannot hold
NUL characters, so a request carrying one is refused up front with a clear error."""

from __future__ import annotations

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


def _nul_field(request) -> str | None:
    for params in (request.GET, request.POST):
        for key, values in params.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return key.replace("\x00", "")
    return None


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = _nul_field(request)
        if field is not None:
            message = _("NUL characters are not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"errors": [{"rule": "input", "field": field, "message": message}]},
                    status=422,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponseBadRequest(message)
        return self.get_response(request)
