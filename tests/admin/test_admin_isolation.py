"""X-1/X-2 in the Django admin: a staff supervisor of one project sees, searches, filters
and picks only the rows of the projects he supervises, and cannot raise his privileges.

Every admin in `admin.site._registry` is walked as the supervisor of project A (with
every model permission, so filtering, not a missing permission, is what stops him) while
project B holds a customer, an order with items, calls and comments, a product, a
membership, a token and audit entries whose strings all contain "zorgbeta".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from dozvon.accounts.models import ApiToken, User
from dozvon.accounts.services import token_create
from dozvon.audit.models import AuditEntry
from dozvon.audit.services import audit_record
from dozvon.customers.services import CustomerInput
from dozvon.delivery.models import DeliveryMethod, DeliveryRate
from dozvon.interactions.services import (
    interaction_call_record,
    interaction_finish,
    interaction_start,
)
from dozvon.orders import services as svc
from dozvon.orders.models import Order
from dozvon.orders.services.calling import call_attempt_record
from dozvon.projects.models import Membership, Project
from tests.conftest import NOW
from tests.factories import MembershipFactory, ProductFactory, ProjectFactory, UserFactory
from tests.messaging.support import mail_scene
from tests.offers.support import offers_scene
from tests.payments.support import payment_scene
from tests.subscriptions.support import sub_scene
from tests.webhooks.support import webhook_scene

# Strings of project B (and of global configuration); none may reach A's supervisor.
# The phone is +7 903 555-66-77; searches below use other substrings of the same rows
# ("gbeta", "903555") so that the echoed search term is not mistaken for a leak.
FORBIDDEN = ("zorgbeta", "zorgglobal", "5556677", "555-66-77")
SEARCHES = ("gbeta", "903555")

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
# dozvon's own models are scoped by project; another app's admin is for superusers only
SCOPED = [(model, ma) for model, ma in REGISTRY if model.__module__.startswith("dozvon.")]
UNSCOPED = [(model, ma) for model, ma in REGISTRY if (model, ma) not in SCOPED]


def _label(model) -> str:
    return model._meta.label


@dataclass
class Scene:
    a: Project
    b: Project
    boss: User  # staff supervisor of A and A2, every model permission, not a superuser
    b_users: list[User]  # members of B only
    b_order: Order
    a2_member: User  # operator of A2 only: visible to the boss, not yet a member of A
    shared: User  # operator of A and of B
    root: User  # a superuser who is also a member of A
    cosupervisor: User  # another staff supervisor of A

    def b_rows(self, model):
        """Rows of `model` that belong to B (or to no project at all)."""
        qs = model._default_manager.all()
        names = {f.name for f in model._meta.get_fields()}
        if model is Project:
            return qs.filter(pk=self.b.pk)
        if model is User:
            return qs.filter(pk__in=[u.pk for u in self.b_users])
        if "project" in names:
            rows = qs.filter(project=self.b)
            if model._meta.get_field("project").null:
                rows = rows | qs.filter(project__isnull=True)
            return rows
        if "order" in names:
            return qs.filter(order__project=self.b)
        if model is ApiToken:
            return qs.filter(user__in=self.b_users)
        if model._meta.app_label == "playbooks":
            return qs.none()  # global configuration, the same for every project
        return qs  # another app's model: superusers only


def _project(slug: str, name: str, users: dict[str, User]):
    project = ProjectFactory(slug=slug, name=name)
    product = ProductFactory(project=project, sku=f"{slug}-1", name=f"{name} Widget")
    method = DeliveryMethod.objects.create(
        project=project, code="courier", kind="courier", name_ru=f"{name} Курьер"
    )
    DeliveryRate.objects.create(
        project=project, method=method, city=f"{name} City", cost=Decimal("350")
    )
    for role in ("operator", "integration"):
        users[role] = UserFactory(username=f"{slug}-{role}")
        MembershipFactory(user=users[role], project=project, role=role)
    return project, product


def _order(project, product, users, name: str, phone: str) -> Order:
    order, _ = svc.order_intake(
        project=project,
        actor=users["integration"],
        external_id=None,
        customer=CustomerInput(name, phone, f"{name.split()[0].lower()}@example.com"),
        items=[svc.ItemInput(product.sku)],
        now=NOW,
    )
    mail_scene(project, order, users["operator"], now=NOW)  # only A and B (audited)
    webhook_scene(project, order, now=NOW)  # partner webhooks: only A and B
    payment_scene(project, order, now=NOW)  # DUN payments: only A and B
    offers_scene(project, users["operator"], now=NOW)  # NBO: only A and B
    sub_scene(project, order, users["operator"], now=NOW)  # SUB: only A and B
    call_attempt_record(order_id=order.pk, actor=users["operator"], result="no_answer", now=NOW)
    svc.order_add_comment(
        order_id=order.pk, actor=users["operator"], text=f"{name} comment", now=NOW
    )
    interaction = interaction_start(
        project=project, actor=users["operator"], phone=phone, line="first", now=NOW
    )
    interaction_call_record(
        interaction_id=interaction.pk, actor=users["operator"], result="answered", now=NOW
    )
    interaction_finish(
        interaction_id=interaction.pk,
        actor=users["operator"],
        subject=f"{name} subject",
        comment=f"{name} interaction",
        version=None,
        now=NOW,
    )
    token_create(user=users["operator"], name=f"{name} token", now=NOW)
    audit_record(
        actor=users["operator"],
        action="product.change",
        target_type="product",
        target_id=product.pk,
        project=project,
        changes={"name": product.name},
        now=NOW,
    )
    return order


@pytest.fixture
def scene(db) -> Scene:
    a_users, a2_users, b_users = {}, {}, {}
    a, a_product = _project("zorgalfa", "Zorgalfa", a_users)
    a2, _ = _project("zorgalfa-two", "Zorgalfa Two", a2_users)
    b, b_product = _project("zorgbeta", "Zorgbeta", b_users)
    _order(a, a_product, a_users, "Zorgalfa Ivan", "+79161234567")
    b_order = _order(b, b_product, b_users, "Zorgbeta Petr", "+79035556677")
    audit_record(
        actor=None,
        action="playbook.load",
        target_type="playbook",
        target_id="zorgglobal",
        changes={"note": "zorgglobal"},
        now=NOW,
    )

    boss = UserFactory(username="alfa-boss", is_staff=True)
    boss.user_permissions.add(*Permission.objects.all())
    for project in (a, a2):
        MembershipFactory(user=boss, project=project, role="supervisor")
    b_boss = UserFactory(username="zorgbeta-boss", is_staff=True)
    MembershipFactory(user=b_boss, project=b, role="supervisor", all_products=False)
    Membership.objects.get(user=b_boss).skills.add(b_product)
    shared = UserFactory(username="shared-op")
    MembershipFactory(user=shared, project=a, role="operator")
    MembershipFactory(user=shared, project=b, role="supervisor")
    token_create(user=shared, name="both", scopes={a: ["read"], b: ["read"]}, now=NOW)
    root = UserFactory(username="alfa-root", is_staff=True, is_superuser=True)
    MembershipFactory(user=root, project=a, role="operator")
    cosupervisor = UserFactory(username="alfa-cosup", is_staff=True)
    MembershipFactory(user=cosupervisor, project=a, role="supervisor")
    return Scene(
        a=a,
        b=b,
        boss=boss,
        b_users=[*b_users.values(), b_boss],
        b_order=b_order,
        a2_member=a2_users["operator"],
        shared=shared,
        root=root,
        cosupervisor=cosupervisor,
    )


@pytest.fixture
def boss_client(client, scene):
    client.force_login(scene.boss)
    return client


def _body(response) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False).lower()
    return response.content.decode().lower()


class Leaks:
    """Collects every request that failed or showed B's data; asserted once at the end."""

    def __init__(self, client):
        self.client = client
        self.found: list[str] = []

    def get(self, url, **params):
        response = self.client.get(url, params, follow=True)
        where = f"{url} {params or ''}"
        if response.status_code >= 500:
            self.found.append(f"{where}: {response.status_code}")
        body = _body(response)
        for marker in FORBIDDEN:
            if marker in body:
                self.found.append(f"{where}: shows {marker!r}")
        return response


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _relations(model):
    return [
        f
        for f in model._meta.get_fields()
        if (f.many_to_one or f.many_to_many) and not f.auto_created and f.concrete
    ]


def _inline_models(model_admin):
    return [inline.model for inline in model_admin.inlines]


# --- every registered admin ----------------------------------------------------------------


@pytest.mark.parametrize(("model", "model_admin"), SCOPED, ids=[_label(m) for m, _ in SCOPED])
def test_scoped_admin_shows_own_projects_and_nothing_of_another_x_1(
    model, model_admin, scene, boss_client
):
    # given A's supervisor and B's rows of this model
    leaks = Leaks(boss_client)
    b_rows = list(scene.b_rows(model).values_list("pk", flat=True))
    changelist = _url(model, "changelist")

    # when he lists the model: plainly, filtered to B, searching for B's strings
    response = leaks.get(changelist)
    leaks.get(changelist, project__id__exact=scene.b.pk)
    for term in SEARCHES:
        leaks.get(changelist, q=term)
    # … opens each B row's change, history and delete pages
    for pk in b_rows:
        for view in ("change", "history", "delete"):
            leaks.get(_url(model, view, pk))
    # … opens each row he is shown (whose inlines and details may reach into B)
    shown = response.context["cl"].result_list
    for obj in shown:
        leaks.get(_url(model, "change", obj.pk))
    # … and the add form, with B's rows preselected in every select box
    preset = {}
    for field in _relations(model):
        row = scene.b_rows(field.related_model).first()
        if row is not None:
            preset[field.name] = row.pk
    leaks.get(_url(model, "add"), **preset)

    # then he saw his own rows and nothing of B
    assert leaks.found == []
    assert response.status_code == 200
    assert shown, f"{_label(model)}: A's rows are missing from the list"
    assert not {obj.pk for obj in shown} & set(b_rows)
    if model._meta.app_label != "playbooks":  # a playbook is global configuration
        assert "zorgalfa" in _body(response)


@pytest.mark.parametrize(("model", "model_admin"), UNSCOPED, ids=[_label(m) for m, _ in UNSCOPED])
def test_admin_of_another_app_is_for_superusers_only(model, model_admin, scene, boss_client):
    # given an admin that knows nothing of projects (groups, task results, sign-in log)
    leaks = Leaks(boss_client)
    # when A's supervisor opens it
    response = leaks.get(_url(model, "changelist"))
    for pk in scene.b_rows(model).values_list("pk", flat=True)[:5]:
        leaks.get(_url(model, "change", pk))
    # then it is forbidden and absent from the index
    assert leaks.found == []
    assert response.status_code == 403
    index = boss_client.get(reverse("admin:index"))
    assert _url(model, "changelist") not in index.content.decode()


def _autocomplete_sources():
    sources = set()
    for model, model_admin in REGISTRY:
        for source in [model, *_inline_models(model_admin)]:
            for field in _relations(source):
                if admin.site.is_registered(field.related_model):
                    sources.add((source, field.name))
    return sorted(sources, key=lambda s: (_label(s[0]), s[1]))


AUTOCOMPLETE = _autocomplete_sources()


@pytest.mark.parametrize(
    ("source", "field_name"), AUTOCOMPLETE, ids=[f"{_label(m)}.{f}" for m, f in AUTOCOMPLETE]
)
def test_autocomplete_offers_nothing_of_another_project_x_1(source, field_name, scene, boss_client):
    # given a relation whose target admin may answer the autocomplete endpoint
    leaks = Leaks(boss_client)
    params = {
        "app_label": source._meta.app_label,
        "model_name": source._meta.model_name,
        "field_name": field_name,
    }
    # when A's supervisor asks for every choice, and for B's strings
    for term in ("", *SEARCHES):
        leaks.get(reverse("admin:autocomplete"), term=term, **params)
    # then B's rows are never offered
    assert leaks.found == []


def test_autocomplete_offers_the_users_of_supervised_projects(scene, boss_client):
    response = boss_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "projects", "model_name": "membership", "field_name": "user", "term": ""},
    )
    names = {row["text"] for row in response.json()["results"]}
    assert {"zorgalfa-operator", "zorgalfa-two-operator", "shared-op"} <= names
    assert not {u.username for u in scene.b_users} & names


def test_a_member_of_both_projects_shows_only_the_supervised_membership(scene, boss_client):
    # given an operator of A who also supervises B
    # when A's supervisor opens his account
    response = boss_client.get(_url(User, "change", scene.shared.pk))
    # then it is read-only and B's membership is not shown
    assert response.status_code == 200
    body = _body(response)
    assert "zorgalfa" in body and "zorgbeta" not in body
    assert not response.context["has_change_permission"]


def test_a_superuser_still_sees_every_project(scene, client):
    client.force_login(scene.root)
    body = _body(client.get(_url(Order, "changelist")))
    assert "zorgalfa ivan" in body and "zorgbeta petr" in body


# --- no privilege escalation ---------------------------------------------------------------


def test_supervisor_cannot_add_a_membership_in_another_project_x_2(scene, boss_client):
    # given a member of A2 (which the boss supervises) who is not in A or B yet
    before = set(Membership.objects.values_list("pk", flat=True))
    data = {"user": scene.a2_member.pk, "role": "supervisor", "line": 1, "all_products": "on"}
    # when the boss adds him to B, or adds a member of B only to A
    to_b = boss_client.post(_url(Membership, "add"), {**data, "project": scene.b.pk})
    b_user = {**data, "user": scene.b_users[0].pk, "project": scene.a.pk}
    of_b = boss_client.post(_url(Membership, "add"), b_user)
    # then both are refused and nothing was written
    assert to_b.status_code == 200 and "project" in to_b.context["adminform"].form.errors
    assert of_b.status_code == 200 and "user" in of_b.context["adminform"].form.errors
    assert set(Membership.objects.values_list("pk", flat=True)) == before
    # while adding him to A, which the boss supervises, works
    to_a = boss_client.post(_url(Membership, "add"), {**data, "project": scene.a.pk})
    assert to_a.status_code == 302
    assert Membership.objects.filter(user=scene.a2_member, project=scene.a).exists()


def _resubmit(response) -> dict:
    """The POST body that submits a rendered admin change form as it is shown."""
    data: dict = {}
    ctx = response.context
    shown = [ctx["adminform"].form]
    for inline in ctx["inline_admin_formsets"]:
        shown += [inline.formset.management_form, *inline.formset.forms]
    for form in shown:
        for bound in form:
            if bound.field.disabled:
                continue
            widget, value = bound.field.widget, bound.value()
            if isinstance(widget, forms.MultiWidget):
                context = widget.get_context(bound.html_name, value, {})
                for sub in context["widget"]["subwidgets"]:
                    data[sub["name"]] = sub["value"] or ""
            elif isinstance(widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = "" if value is None else str(value)
    return data


def test_supervisor_cannot_make_himself_superuser_x_2(scene, boss_client):
    # given the boss's own account page
    group = Group.objects.create(name="everything")
    url = _url(User, "change", scene.boss.pk)
    data = _resubmit(boss_client.get(url))
    # when he posts it with the superuser and staff flags and a group
    data.update(first_name="Boss", is_superuser="on", is_staff="on", groups=[group.pk])
    response = boss_client.post(url, data)
    # then his name changed but nothing that opens more of the admin
    assert response.status_code == 302, response.context and response.context["errors"]
    scene.boss.refresh_from_db()
    assert scene.boss.first_name == "Boss"
    assert not scene.boss.is_superuser
    assert not scene.boss.groups.exists()


@pytest.mark.parametrize("who", ["root", "cosupervisor", "shared"])
def test_supervisor_cannot_edit_an_account_he_does_not_manage_x_2(who, scene, boss_client):
    # given a superuser, another staff member, or a member of a foreign project, all in A
    target = getattr(scene, who)
    url = _url(User, "change", target.pk)
    data = _resubmit(boss_client.get(url))
    # when the boss posts a change to it or sets its password
    data.update(first_name="Taken", is_superuser="on")
    changed = boss_client.post(url, data)
    password = boss_client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": "Takeover-123", "password2": "Takeover-123"},
    )
    # then both are forbidden and nothing changed
    assert changed.status_code == 403
    assert password.status_code == 403
    target.refresh_from_db()
    assert target.first_name != "Taken"
    assert target.check_password("pw")


def test_supervisor_cannot_open_another_projects_audit_or_global_entries_x_12(scene, boss_client):
    hidden = AuditEntry.objects.exclude(project=scene.a)
    for entry in hidden:
        response = boss_client.get(_url(AuditEntry, "change", entry.pk))
        assert response.status_code == 302  # "doesn't exist", back to the index
    visible = AuditEntry.objects.filter(project=scene.a).first()
    assert boss_client.get(_url(AuditEntry, "change", visible.pk)).status_code == 200


def test_supervisor_edits_a_product_of_his_project(scene, boss_client):
    # the scoping does not get in the way of the work the permissions allow
    product = ProductFactory(project=scene.a, sku="ZA-2", name="Zorgalfa Extra")
    url = _url(type(product), "change", product.pk)
    data = _resubmit(boss_client.get(url))
    data["price"] = "1234.00"
    assert boss_client.post(url, data).status_code == 302
    product.refresh_from_db()
    assert product.price == Decimal("1234.00")
