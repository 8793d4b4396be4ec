"""factory_boy factories for configuration rows; orders are built through the services."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password

from dozvon.accounts.models import User
from dozvon.catalog.models import Product
from dozvon.playbooks.models import Playbook
from dozvon.projects.models import Membership, Project

_PW: list[str] = []


def _hashed_pw() -> str:
    """Hash the test password once: full-strength hashing per user made fixtures slow."""
    if not _PW:
        _PW.append(make_password("pw"))
    return _PW[0]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.LazyFunction(lambda: _hashed_pw())


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    slug = factory.Sequence(lambda n: f"project-{n}")
    name = factory.Sequence(lambda n: f"Project {n}")
    playbook = factory.LazyFunction(lambda: Playbook.objects.get(code="cod"))
    time_zone = "Europe/Moscow"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    project = factory.SubFactory(ProjectFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    name = factory.Sequence(lambda n: f"Product {n}")
    price = Decimal("1000.00")
    max_discount_percent = Decimal("50")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    project = factory.SubFactory(ProjectFactory)
    role = "operator"
