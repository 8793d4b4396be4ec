"""One login throttle (django-axes) for /login/ and /admin/login/: failures are counted per
username and client address together; the address is REMOTE_ADDR unless a trusted proxy
is configured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import RequestFactory

from dozvon.web.auth_views import client_ip
from tests.conftest import Api
from tests.factories import MembershipFactory, UserFactory

# 14:20 in Moscow (the deployment's TIME_ZONE)
T0 = datetime(2026, 11, 23, 11, 20, tzinfo=UTC)
ADMIN = "/admin/login/?next=/admin/"


def _login(client, username, password, path="/login/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def _fail(client, username, times, **extra):
    return [_login(client, username, "wrong", **extra).status_code for _ in range(times)]


@pytest.fixture(autouse=True)
def _fast_password_checks(settings):
    # every attempt hashes a password (for made-up names too); MD5 first keeps that quick,
    # PBKDF2 stays to check the factories' hashes
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def staff(db):
    # a supervisor who may also use the admin
    user = UserFactory(username="sv-staff", is_staff=True)
    MembershipFactory(user=user, role="supervisor")
    return user


def test_thirty_failures_on_made_up_names_do_not_lock_out_a_real_user(client, staff):
    # given 30 failed sign-ins with made-up usernames from one address
    for n in range(30):
        assert _login(client, f"made-up-{n}", "guess").status_code == 200
    # when a real user signs in from that same address with the right password
    response = _login(client, "sv-staff", "pw")
    # then they are let in
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_five_failures_lock_the_user_out_of_both_login_pages_until_the_cool_off(client, staff):
    with time_machine.travel(T0, tick=False) as clock:
        # given four failures, then a fifth
        assert _fail(client, "sv-staff", 4) == [200] * 4
        fifth = _login(client, "sv-staff", "wrong")
        # then the fifth answer is the lockout page, saying until when (local time)
        assert fifth.status_code == 429
        assert "Попробуйте снова после 14:35." in fifth.content.decode()
        # when the right password comes on /login/ and on /admin/login/
        for path in ("/login/", ADMIN):
            response = _login(client, "sv-staff", "pw", path=path)
            # then both refuse it with the same page, and no session is opened
            assert response.status_code == 429, path
            assert "Слишком много неудачных попыток входа" in response.content.decode()
            assert "Попробуйте снова после 14:35." in response.content.decode()
            assert "_auth_user_id" not in client.session
        # and tries during the lockout do not push its end further
        clock.shift(timedelta(minutes=10))
        late = _login(client, "sv-staff", "pw", path=ADMIN)
        assert late.status_code == 429
        assert "14:35" in late.content.decode()
        # when the cool-off has passed, then the right password lets them in, on either page
        clock.shift(timedelta(minutes=5, seconds=1))
        assert _login(client, "sv-staff", "pw", path=ADMIN).status_code == 302
        client.logout()
        assert _login(client, "sv-staff", "pw").status_code == 302


def test_the_admin_login_page_counts_toward_the_same_lock(client, staff):
    # given failures spread over both pages
    for path in ("/login/", ADMIN, "/login/", ADMIN):
        assert _login(client, "sv-staff", "wrong", path=path).status_code == 200
    # when the fifth fails on the admin page, then the user is locked out on /login/ too
    assert _login(client, "sv-staff", "wrong", path=ADMIN).status_code == 429
    assert _login(client, "sv-staff", "pw").status_code == 429


def test_a_success_resets_the_count(client, staff):
    assert _fail(client, "sv-staff", 4) == [200] * 4
    assert _login(client, "sv-staff", "pw").status_code == 302
    client.logout()
    # four more failures after the success are still under the limit
    assert _fail(client, "sv-staff", 4) == [200] * 4
    assert _login(client, "sv-staff", "pw").status_code == 302


def test_the_lock_holds_for_that_address_only(client, staff):
    # given a user locked out from one address
    _fail(client, "sv-staff", 5, REMOTE_ADDR="203.0.113.7")
    assert _login(client, "sv-staff", "pw", REMOTE_ADDR="203.0.113.7").status_code == 429
    # when they sign in from another address, then they are let in
    assert _login(client, "sv-staff", "pw", REMOTE_ADDR="198.51.100.20").status_code == 302


def test_without_a_proxy_a_forwarded_header_does_not_change_the_address(client, staff):
    # given no trusted proxy (the default) and failures each claiming another address
    for n in range(5):
        _login(client, "sv-staff", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    # when the right password comes with yet another claimed address
    response = _login(client, "sv-staff", "pw", HTTP_X_FORWARDED_FOR="192.0.2.99")
    # then the header was ignored: all of it came from one address, now locked out
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_key(client, staff, settings):
    # given one trusted proxy (REMOTE_ADDR is the proxy, it appends the client's address)
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # and a user locked out from one client address behind it
    _fail(client, "sv-staff", 5, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    # when the same client prepends a made-up address, then it is still locked out
    spoofed = "192.0.2.1, 203.0.113.7"
    assert (
        _login(client, "sv-staff", "pw", HTTP_X_FORWARDED_FOR=spoofed, **proxy).status_code == 429
    )
    # while another client behind the same proxy signs in
    other = _login(client, "sv-staff", "pw", HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("count", "header", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.1"),  # no proxy configured: the header is ignored
        (1, None, "10.0.0.1"),  # proxy configured, header missing: the peer
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "192.0.2.1, 203.0.113.7", "203.0.113.7"),  # client-written part ignored
        (2, "192.0.2.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),  # fewer hops than proxies: the peer
        (1, "not-an-ip", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address(settings, count, header, expected):
    settings.TRUSTED_PROXY_COUNT = count
    meta = {"REMOTE_ADDR": "10.0.0.1"}
    if header is not None:
        meta["HTTP_X_FORWARDED_FOR"] = header
    assert client_ip(RequestFactory().get("/", **meta)) == expected


def test_a_locked_out_users_api_token_still_works(client, staff):
    # given a user locked out of the web login
    api = Api(staff)
    _fail(client, "sv-staff", 5)
    assert _login(client, "sv-staff", "pw").status_code == 429
    # when their integration calls the API with a token, then it is not throttled
    assert api.get("/projects").status_code == 200
