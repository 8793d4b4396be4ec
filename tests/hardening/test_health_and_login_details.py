"""Issue 25 items 6 and 7: health that tells the truth (`/healthz` is readiness: 503
while the database is away; `/livez` is liveness and needs no database), and the login
details: the lockout's 429 carries `Retry-After`, `check --deploy` warns about a TLS
proxy without TRUSTED_PROXY_COUNT (dozvon.W001), the language cookie is Secure,
HttpOnly and SameSite in production."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import checks
from django.db import OperationalError, connection

from dozvon.core.checks import proxy_client_address
from tests.factories import MembershipFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 23, 11, 20, tzinfo=UTC)


# --- item 6: /healthz and /livez ----------------------------------------------------------


@pytest.fixture
def database_away(monkeypatch):
    """Every new cursor fails as when the database server refuses connections."""

    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", refused)
        yield


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": "ok"}


def test_healthz_answers_503_with_retry_after_while_the_database_is_away(client, db, database_away):
    # given a database that refuses connections; when a load balancer asks for readiness
    response = client.get("/healthz")
    # then it is told the truth, and when to ask again
    assert response.status_code == 503
    assert response.json() == {"ok": False, "database": "unreachable"}
    assert response["Retry-After"].isdigit()


def test_livez_stays_200_while_the_database_is_away(client, db, database_away):
    response = client.get("/livez")
    assert response.status_code == 200 and response.json() == {"ok": True}


def test_probes_over_plain_http_are_answered_not_redirected_to_https(client, db, settings):
    # given production's redirect to HTTPS; when a load balancer probes over plain HTTP
    settings.SECURE_SSL_REDIRECT = True
    # then the probes are answered, while pages are redirected
    assert client.get("/healthz").status_code == 200
    assert client.get("/livez").status_code == 200
    assert client.get("/login/").status_code == 301


# --- item 7: Retry-After on the lockout ---------------------------------------------------


@pytest.fixture
def fast_hashes(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def test_the_lockout_429_says_in_retry_after_how_many_seconds_to_wait(client, db, fast_hashes):
    user = UserFactory(username="sv-locked")
    MembershipFactory(user=user, role="supervisor")
    with time_machine.travel(T0, tick=False) as clock:
        # given five failed sign-ins (the limit), the fifth answered with the lockout
        for _ in range(4):
            client.post("/login/", {"username": "sv-locked", "password": "wrong"})
        fifth = client.post("/login/", {"username": "sv-locked", "password": "wrong"})
        # then the 429 tells when to retry: the 15-minute cool-off, in seconds
        assert fifth.status_code == 429
        assert fifth["Retry-After"] == str(15 * 60)
        # when they try again 10 minutes later, then 5 minutes are left
        clock.shift(timedelta(minutes=10))
        later = client.post("/login/", {"username": "sv-locked", "password": "pw"})
        assert later.status_code == 429 and later["Retry-After"] == str(5 * 60)


# --- item 7: dozvon.W001 ------------------------------------------------------------------


def test_a_tls_proxy_without_trusted_proxy_count_is_warned_about(settings):
    settings.BEHIND_TLS_PROXY, settings.TRUSTED_PROXY_COUNT = True, 0
    (warning,) = proxy_client_address()
    assert warning.id == "dozvon.W001" and warning.level == checks.WARNING


def test_a_tls_proxy_with_its_count_or_no_proxy_is_not_warned_about(settings):
    settings.BEHIND_TLS_PROXY, settings.TRUSTED_PROXY_COUNT = True, 1
    assert proxy_client_address() == []
    settings.BEHIND_TLS_PROXY, settings.TRUSTED_PROXY_COUNT = False, 0
    assert proxy_client_address() == []


# the suite's own switches (the browser tests allow the ORM beside Playwright's loop), never
# a deployment's
TEST_ONLY_VARIABLES = {"DOZVON_DEV", "PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _check_deploy(**env) -> subprocess.CompletedProcess:
    """`dozvon check --deploy --fail-level WARNING` with production settings (.ci/run)."""
    base = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    base.update(DEBUG="false", SECRET_KEY="x" * 50 + "production-secret", ALLOWED_HOSTS="crm.ex")
    base.pop("BEHIND_TLS_PROXY", None)
    base.pop("TRUSTED_PROXY_COUNT", None)
    return subprocess.run(
        [sys.executable, "-m", "dozvon.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_fails_on_the_warning_and_passes_in_ci_configuration():
    # given production settings behind a TLS proxy, without the proxy count
    warned = _check_deploy(BEHIND_TLS_PROXY="true")
    # then `check --deploy` names the problem
    assert warned.returncode != 0 and "dozvon.W001" in warned.stderr + warned.stdout
    # while .ci/run's configuration, and a proxy with its count, pass
    assert _check_deploy().returncode == 0, _check_deploy().stderr
    counted = _check_deploy(BEHIND_TLS_PROXY="true", TRUSTED_PROXY_COUNT="1")
    assert counted.returncode == 0, counted.stderr


# --- item 7: the language cookie -----------------------------------------------------------


def test_the_language_cookie_is_secure_httponly_and_lax_in_production():
    # given production settings; when the settings module is read
    base = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    base.update(DEBUG="false", SECRET_KEY="x" * 50 + "production-secret", ALLOWED_HOSTS="crm.ex")
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='dozvon.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True
    )
    # then the cookie travels over TLS only, hidden from scripts, not cross-site
    assert out.stdout.split() == ["True", "True", "Lax"], out.stderr


def test_switching_language_sets_the_cookie_with_those_flags(client, db, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.post("/i18n/setlang/", {"language": "uk", "next": "/login/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "uk"
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
