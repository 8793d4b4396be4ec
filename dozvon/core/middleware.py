"""Bad input never reaches the database as a server error: PostgreSQL text cannot hold
NUL characters, and no spreadsheet or XML file can carry the other C0 control characters
(a name with ESC made every XLSX export of its project answer 500, issue 25), so a request
carrying one (in the path, a query parameter or a form field; tab, LF and CR are text) is
refused up front with a clear error naming where it was. API bodies are JSON and checked
by the API's parser (`api/common.py`, the same `CONTROL`); web forms over the size limit
get a 413 page."""

from __future__ import annotations

import re

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

# C0 control characters but tab, LF and CR: what no field of ours may hold
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def control_message() -> str:
    return _("Control characters (other than tab and line breaks) are not allowed.")


def _refusal_page(message: str, field: str) -> str:
    """A form's refusal as a small page: the rule, the field (escaped: it is the
    client's), and the way back to the form, whose text the browser keeps."""
    text = f"{escape(message)} ({escape(field)})"
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(message)}</title>'
        f'</head><body><p role="alert">{text}</p>'
        '<p><a href="javascript:history.back()">←</a></p></body></html>'
    )


def _printable(key: str) -> str:
    return CONTROL.sub("", key)


def _nul_field(request) -> str | None:
    if CONTROL.search(request.path):
        return "path"
    # the API reads JSON bodies itself (StrictJSONParser): never parse them as a form here
    forms = (request.GET,) if request.path.startswith("/api/") else (request.GET, request.POST)
    for params in forms:
        for key, values in params.lists():
            if CONTROL.search(key) or any(CONTROL.search(v) for v in values):
                return _printable(key)
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
            message = control_message()
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"errors": [{"rule": "input", "field": field, "message": message}]},
                    status=422,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponseBadRequest(_refusal_page(message, field))
        return self.get_response(request)
