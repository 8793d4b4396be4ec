"""API plumbing: bearer auth, error shapes (API.md "Conventions"), readable JSON."""

from __future__ import annotations

import json
import logging

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer

from dozvon.accounts.services import user_for_token
from dozvon.core import clock
from dozvon.core.errors import Conflict, DomainError, DuplicateExternalId, RuleViolations
from dozvon.core.http_errors import unavailable
from dozvon.core.middleware import CONTROL, control_message

log = logging.getLogger(__name__)


class ReadableJSONRenderer(JSONRenderer):
    """Cyrillic as is, not \\uXXXX (STACK-NOTES)."""

    def render(self, request, data, *, response_status):
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)


def _unstorable(text: str) -> bool:
    """NUL (PostgreSQL text cannot hold it), another C0 control character but tab, LF and
    CR (no spreadsheet or XML file can carry it: every export would fail, issue 25) or a
    lone surrogate (JSON's "\\ud800": no UTF-8 for it, so neither the database nor our
    answer could carry it)."""
    if CONTROL.search(text):
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def _printable_key(key) -> str:
    return str(key).encode("utf-8", "replace").decode()


def _nul_paths(value, path=()):
    if isinstance(value, str):
        if _unstorable(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            key_path = (*path, _printable_key(key))
            if isinstance(key, str) and _unstorable(key):
                yield key_path
            yield from _nul_paths(item, key_path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, (*path, str(index)))


FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


class StrictJSONParser(Parser):
    """JSON bodies only: a form or multipart body is 415, a body over the size limit 413
    (both in the error shape); strings with NUL or other control characters (tab, LF and
    CR are text) or lone surrogates are malformed input (422 `input` naming the field),
    since PostgreSQL text or the exports cannot carry them."""

    def parse_body(self, request):
        if request.content_type in FORM_TYPES:
            raise HttpError(415, gettext("Send the body as JSON (Content-Type: application/json)."))
        data = super().parse_body(request)
        bad = list(_nul_paths(data))
        if bad:
            raise ValidationError(
                [
                    {
                        "loc": ("body", "payload", *p),
                        "msg": control_message(),
                    }
                    for p in bad
                ]
            )
        return data


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token, now=clock.now())
        if user is not None:
            request.user = user
        return user


def field_of(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form"}:
        parts = parts[1:]
        if parts and parts[0] in {"payload", "data", "body", "filters", "params"}:
            parts = parts[1:]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (("." if out else "") + p)
    return out or "body"


def errors_response(api, request, errors: list[dict], status: int = 422):
    return api.create_response(request, {"errors": errors}, status=status)


def install_error_handlers(api) -> None:
    def on_rules(request, exc: RuleViolations):
        return errors_response(api, request, [v.as_dict() for v in exc.violations])

    def on_conflict(request, exc: Conflict):
        return api.create_response(
            request,
            {
                "detail": gettext("The order was changed by someone else; reload it."),
                "version": exc.current_version,
            },
            status=409,
        )

    def on_duplicate(request, exc: DuplicateExternalId):
        return api.create_response(
            request,
            {
                "detail": gettext(
                    "This external_id is already used by order %(id)s with another payload."
                )
                % {"id": exc.order_id},
                "id": exc.order_id,
            },
            status=409,
        )

    def on_domain(request, exc: DomainError):
        detail = {403: gettext("Forbidden."), 404: gettext("Not found.")}.get(exc.status, "")
        return api.create_response(request, {"detail": detail}, status=exc.status)

    def on_validation(request, exc: ValidationError):
        errors = [
            {
                "rule": "input",
                "field": field_of(e.get("loc", ())),
                "message": gettext("Invalid value: %(reason)s") % {"reason": e.get("msg", "")},
            }
            for e in exc.errors
        ]
        return errors_response(api, request, errors)

    def on_http(request, exc: HttpError):
        if isinstance(exc, AuthenticationError) or exc.status_code == 401:
            return api.create_response(request, {"detail": gettext("Unauthorized.")}, status=401)
        if exc.status_code == 400 and isinstance(exc.__cause__, ValidationError):
            return on_validation(request, exc.__cause__)  # e.g. NUL characters in the body
        if exc.status_code == 400 and isinstance(exc.__cause__, HttpError):
            exc = exc.__cause__  # e.g. 413/415 raised while the body was parsed
        if exc.status_code in {413, 415}:
            return errors_response(
                api,
                request,
                [{"rule": "input", "field": "body", "message": str(exc)}],
                status=exc.status_code,
            )
        if exc.status_code == 400:  # malformed JSON body
            return errors_response(
                api,
                request,
                [{"rule": "input", "field": "body", "message": gettext("Malformed JSON body.")}],
            )
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    def on_404(request, exc):
        return api.create_response(request, {"detail": gettext("Not found.")}, status=404)

    def on_too_big(request, exc):
        message = gettext("The request body is too large.")
        return errors_response(
            api, request, [{"rule": "input", "field": "body", "message": message}], status=413
        )

    def on_database_down(request, exc):
        log.error("database unreachable: %s", exc)
        return unavailable(request)

    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(OperationalError, on_database_down)
    api.add_exception_handler(InterfaceError, on_database_down)
    api.add_exception_handler(RuleViolations, on_rules)
    api.add_exception_handler(Conflict, on_conflict)
    api.add_exception_handler(DuplicateExternalId, on_duplicate)
    api.add_exception_handler(DomainError, on_domain)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(HttpError, on_http)
    api.add_exception_handler(Http404, on_404)
