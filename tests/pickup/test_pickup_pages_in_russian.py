"""PICK's screens speak Russian (issue 24's crawl, on `pickup-demo` alone): the operator's
and the supervisor's pages — workspace, queues, cards with the parcel panel in every
state, history, outbox, reports — show no English word, raw code or untranslated value."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from dozvon.pickup.demo import build_pickup_demo
from tests.conftest import NOW
from tests.web.pages_support import Budget, crawl
from tests.web.test_every_page_in_russian import (
    _report,
    _seeds,
    admin_identifiers,
    make_check,
    raw_codes,
)


def test_every_pickup_screen_of_the_operator_and_the_supervisor_speaks_russian(db):
    with time_machine.travel(NOW, tick=True):
        build_pickup_demo(now=NOW)
        User = get_user_model()
        usernames = set(User.objects.values_list("username", flat=True))
        check = make_check(raw_codes(), usernames, frozenset(admin_identifiers()))
        findings, crawled = [], {}
        for username in ("pick1", "supervisor"):
            client = Client(HTTP_ACCEPT_LANGUAGE="ru")
            client.force_login(User.objects.get(username=username))
            result = crawl(
                client, username, _seeds(User.objects.get(username=username)), Budget(), check
            )
            crawled[username] = len(result.fetched)
            findings += result.findings
    assert all(n >= 5 for n in crawled.values()), crawled
    if findings:
        pytest.fail(_report(findings), pytrace=False)
