"""Issue 10, defect 5: errors in the contract's shape. A body over the size limit is 413,
a form or multipart body 415, both as API.md's `{"errors": [...]}`; while the database is
unreachable the API answers 503 JSON with Retry-After and the web UI a friendly page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.api.support import assert_error_shape, intake_body
from tests.hardening.servers import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_body_over_the_size_limit_is_413_in_the_error_shape(cod, api_for):
    body = intake_body(cod)
    body["customer"]["name"] = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = api_for(cod.partner).post("/projects/cod/orders", body)
    assert response.status_code == 413, response.content[:200]
    assert response.data["errors"][0]["field"] == "body"


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data; boundary=BoUnDaRy", "application/x-www-form-urlencoded"]
)
def test_form_bodies_are_415_in_the_error_shape(cod, api_for, content_type):
    api = api_for(cod.partner)
    response = api.client.post(
        "/api/v1/projects/cod/orders", data=b"external_id=1", content_type=content_type
    )
    assert response.status_code == 415, response.content[:200]
    assert response.json()["errors"][0]["rule"] == "input"


def test_unknown_api_path_is_json_404(cod, api_for):
    response = api_for(cod.partner).client.get("/api/v1/no/such/thing")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_web_404_is_a_translated_page_that_leads_back(cod, client):
    client.force_login(cod.operator)
    response = client.get("/p/no-such-project/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Страница не найдена" in text and 'href="/"' in text


def test_web_form_over_the_size_limit_is_413_not_a_traceback(cod, client):
    client.force_login(cod.operator)
    response = client.post(
        "/orders/1/comment",
        {"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    # then it is refused in the reader's words, not a traceback
    assert response.status_code == 413
    assert response.content.decode() == "Форма слишком большая."


@pytest.fixture(scope="module")
def server_without_database(tmp_path_factory):
    """The real app under gunicorn, its database a PostgreSQL port nothing listens on."""
    port, dead = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{dead}/dozvon",
        "DOZVON_DEV": "true",
        "DOZVON_VAR_DIR": str(tmp_path_factory.mktemp("var")),
    }
    env.pop("PYTEST_VERSION", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "dozvon.wsgi:application", "--bind", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _get(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def test_api_answers_503_json_with_retry_after_while_the_database_is_down(
    server_without_database,
):
    status, headers, body = _get(
        f"{server_without_database}/api/v1/projects", Authorization="Bearer dz_whatever"
    )
    assert status == 503, body[:300]
    assert headers.get("Retry-After", "").isdigit()
    assert json.loads(body)["detail"]


def test_web_shows_a_friendly_page_while_the_database_is_down(server_without_database):
    # an operator signed in (a session cookie) while the database is down
    status, headers, body = _get(
        f"{server_without_database}/p/cod-demo/",
        **{"Accept-Language": "ru", "Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"},
    )
    assert status == 503, body[:300]
    assert headers.get("Retry-After", "").isdigit()
    assert "Временно недоступно" in body
    assert "Traceback" not in body


def test_unmatched_api_post_with_a_broken_body_is_not_500(cod, api_for):
    response = api_for(cod.partner).post("/projects/cod/orders", raw="\x00{")
    assert_error_shape(response)
