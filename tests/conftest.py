"""Shared fixtures: playbooks loaded once per test database, projects with their people,
an API client that speaks with bearer tokens, and a controllable clock."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from dozvon.accounts.services import token_create
from dozvon.customers.services import CustomerInput
from dozvon.orders import services as svc
from dozvon.playbooks.models import Playbook
from dozvon.playbooks.services import playbook_load_all
from tests.factories import MembershipFactory, ProductFactory, ProjectFactory, UserFactory

# Chromium for every directory's browser tests, one Playwright per process (a module that
# imported the fixtures made a second one, which Playwright refuses)
pytest_plugins = ["tests.browser.fixtures"]

# 12:00 Moscow time on a Monday: far from midnight so "today" is unambiguous.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _playbooks(request):
    """Every test with a database sees the repository's playbooks loaded (a transactional
    test's flush removes them; loading unchanged files again writes nothing)."""
    names = request.fixturenames
    for name in ("transactional_db", "db"):
        if name in names:
            request.getfixturevalue(name)
            playbook_load_all(now=NOW)
            return


@pytest.fixture
def now() -> datetime:
    return NOW


class Api:
    """A thin JSON client for one user's token (API.md conventions)."""

    def __init__(self, user, lang: str = "ru", scopes=None):
        self.user = user
        self.token = token_create(user=user, scopes=scopes, now=NOW)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.token}", HTTP_ACCEPT_LANGUAGE=lang)

    def _send(self, method: str, path: str, body=None, raw: str | None = None, **headers):
        data = (
            raw
            if raw is not None
            else (json.dumps(body, default=str) if body is not None else None)
        )
        kwargs = {"content_type": "application/json"} if data is not None else {}
        response = getattr(self.client, method)(f"/api/v1{path}", data, **kwargs, **headers)
        try:
            response.data = response.json()
        except ValueError:
            response.data = None
        return response

    def get(self, path, **params):
        response = self.client.get(f"/api/v1{path}", params)
        response.data = response.json() if response.content else None
        return response

    def post(self, path, body=None, **kw):
        return self._send("post", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self._send("patch", path, body, **kw)


@dataclass
class World:
    project: object
    products: list
    operator: object
    supervisor: object
    partner: object
    delivery: object

    def project_tz(self):
        return ZoneInfo(self.project.time_zone)

    def intake(
        self,
        *,
        external_id=None,
        name="Иванов Иван Иванович",
        phone="+79161234567",
        skus=None,
        created_at=None,
        now=NOW,
        ctype="private",
    ):
        order, _ = svc.order_intake(
            project=self.project,
            actor=self.partner,
            external_id=external_id,
            customer=CustomerInput(name=name, phone=phone, type=ctype),
            items=[svc.ItemInput(s) for s in (skus or [self.products[0].sku])],
            created_at=created_at or now,
            now=created_at or now,
        )
        return order


def _world(code: str, slug: str) -> World:
    project = ProjectFactory(slug=slug, name=slug, playbook=Playbook.objects.get(code=code))
    products = [
        ProductFactory(
            project=project,
            sku=f"{slug}-main",
            price=Decimal("1000.00"),
            max_discount_percent=Decimal("50"),
        ),
        ProductFactory(
            project=project,
            sku=f"{slug}-gift",
            price=Decimal("300.00"),
            max_discount_percent=Decimal("100"),
        ),
        ProductFactory(
            project=project,
            sku=f"{slug}-big",
            price=Decimal("2500.00"),
            max_discount_percent=Decimal("10"),
        ),
    ]
    people = {}
    for role in ("operator", "supervisor", "integration", "delivery"):
        user = UserFactory(username=f"{slug}-{role}")
        MembershipFactory(user=user, project=project, role=role)
        people[role] = user
    return World(
        project,
        products,
        people["operator"],
        people["supervisor"],
        people["integration"],
        people["delivery"],
    )


@pytest.fixture
def cod(db) -> World:
    return _world("cod", "cod")


@pytest.fixture
def shop(db) -> World:
    return _world("shop", "shop")


@pytest.fixture
def dun(db) -> World:
    return _world("dun", "dun")


@pytest.fixture
def api_for():
    return Api


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
