"""The rate tables in the admin (X-1, X-12): each admin passes the admin isolation walk
of tests/admin with delivery rows in both projects, a rate takes its method's project,
and changes are audited."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from dozvon.audit.models import AuditEntry
from dozvon.delivery.models import DeliveryMethod, DeliveryRate
from tests.admin import test_admin_isolation as iso

MODELS = [DeliveryMethod, DeliveryRate]


scene = iso.scene
boss_client = iso.boss_client


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_delivery_admin_shows_own_projects_and_nothing_of_another_x_1(model, scene, boss_client):
    iso.test_scoped_admin_shows_own_projects_and_nothing_of_another_x_1(
        model, admin.site._registry[model], scene, boss_client
    )


def test_a_rate_takes_its_methods_project_and_is_audited_x_12(scene, boss_client):
    # given the courier of project A
    method = DeliveryMethod.objects.get(project=scene.a)
    # when A's supervisor adds a rate for Khimki to it
    response = boss_client.post(
        reverse("admin:delivery_deliveryrate_add"),
        {
            "method": method.pk,
            "region": "Московская область",
            "city": "Химки",
            "cost": "450.00",
            "days_min": 1,
            "days_max": 3,
            "free_from": "",
            "is_active": "on",
        },
    )
    # then it is saved in A and the change is in the audit log
    assert response.status_code == 302, response.context["adminform"].form.errors
    rate = DeliveryRate.objects.get(city="Химки")
    assert rate.project == scene.a
    assert AuditEntry.objects.filter(
        action="deliveryrate.add", target_id=str(rate.pk), project=scene.a
    ).exists()


def test_a_supervisor_cannot_add_a_rate_to_another_projects_method_x_1(scene, boss_client):
    method = DeliveryMethod.objects.get(project=scene.b)
    response = boss_client.post(
        reverse("admin:delivery_deliveryrate_add"),
        {
            "method": method.pk,
            "region": "*",
            "city": "Тула",
            "cost": "1",
            "days_min": 1,
            "days_max": 1,
        },
    )
    assert response.status_code == 200
    assert "method" in response.context["adminform"].form.errors
    assert not DeliveryRate.objects.filter(city="Тула").exists()


def test_a_rate_with_days_to_before_days_from_is_refused(scene, boss_client):
    method = DeliveryMethod.objects.get(project=scene.a)
    response = boss_client.post(
        reverse("admin:delivery_deliveryrate_add"),
        {
            "method": method.pk,
            "region": "*",
            "city": "Тула",
            "cost": "1",
            "days_min": 5,
            "days_max": 2,
        },
    )
    assert response.status_code == 200
    assert "days_max" in response.context["adminform"].form.errors
