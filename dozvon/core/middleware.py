"""Bad input never reaches the database as a server error: PostgreSQL text cannot hold
NUL characters, so a request carrying one (in the path, a query parameter or a form
field) is refused up front with a clear error naming where it was. API bodies are JSON
and checked by the API's parser; web forms over the size limit get a 413 page."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


def _nul_field(request) -> str | None:
    if "\x00" in request.path:
        return "path"
    # the API reads JSON bodies itself (StrictJSONParser): never parse them as a form here
    forms = (request.GET,) if request.path.startswith("/api/") else (request.GET, request.POST)
    for params in forms:
        for key, values in params.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return key.replace("\x00", "")
    return None


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            field = _nul_field(request)
        except (RequestDataTooBig, TooManyFieldsSent):
            return HttpResponse(_("The form is too large."), status=413)
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
