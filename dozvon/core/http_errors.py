"""Error pages: the API answers in its contract's JSON shape (API.md "Conventions"), the
web UI with a translated page that leads back; a database that cannot be reached is a
503 with `Retry-After`, never a traceback (issue 10)."""

from __future__ import annotations

import functools
import sys

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dozvon.core.errors import Forbidden, NotFound

RETRY_AFTER_S = 30


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def database_unreachable(exc: BaseException | None) -> bool:
    """An outage (connection refused or lost, locked), not a bad statement."""
    return isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DatabaseError) and "connection" in str(exc).lower()
    )


def api_detail(status: int, detail: str) -> JsonResponse:
    response = JsonResponse(
        {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
    )
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def api_input_error(status: int, field: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"rule": "input", "field": field, "message": message}]},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def unavailable(request) -> JsonResponse:
    """503 while the database is unreachable: a page that needs no database."""
    if is_api(request):
        return api_detail(503, _("The service is temporarily unavailable; retry shortly."))
    response = render(request, "web/errors/unavailable.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def _page(request, status: int, title: str, text: str):
    return render(
        request,
        "web/errors/page.html",
        {"status": status, "title": title, "text": text},
        status=status,
    )


def bad_request(request, exception=None):
    if is_api(request):
        return api_input_error(400, "body", _("The request could not be read."))
    return _page(request, 400, _("Bad request"), _("The request could not be read."))


def forbidden(request, exception=None):
    if is_api(request):
        return api_detail(403, _("Forbidden."))
    return _page(
        request, 403, _("No access"), _("Your role in this project does not allow this page.")
    )


def not_found(request, exception=None):
    if is_api(request):
        return api_detail(404, _("Not found."))
    return _page(
        request,
        404,
        _("Page not found"),
        _("There is no such page, or it belongs to a project you do not work in."),
    )


def server_error(request):
    if database_unreachable(sys.exc_info()[1]):
        return unavailable(request)
    if is_api(request):
        return api_detail(500, _("Something went wrong on our side; it has been logged."))
    return render(request, "web/errors/unavailable.html", {"status": 500}, status=500)


def domain_errors(view):
    """NotFound → 404 and Forbidden → 403, as in the API (X-2)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc
        except Forbidden as exc:
            raise PermissionDenied from exc

    return wrapper
