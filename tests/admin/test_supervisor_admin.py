"""X-1/X-2/X-13 in the admin (issue 25 item 8): a project's supervisor, as the product
makes him (a staff account with a supervisor membership, no permission granted by hand),
does there what README and docs/webhooks.md say: registers webhook endpoints, edits the
project's email templates, manages the project's users; and he sees only tokens whose
scopes are his projects' (a partner integrating his and another project has a token for
the other one he must not see)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dozvon.accounts.models import ApiToken, User
from dozvon.accounts.services import token_create
from dozvon.audit.models import AuditEntry
from dozvon.messaging.demo import seed_demo_templates
from dozvon.messaging.models import MessageTemplate
from dozvon.projects.models import Membership
from dozvon.webhooks.models import WebhookEndpoint
from tests.factories import MembershipFactory, ProjectFactory, UserFactory


@pytest.fixture
def pharmacy(db):
    """pharmacy-sup supervises `pharmacy`; `partner` integrates `pharmacy` and `shop`."""
    pharmacy, shop = ProjectFactory(slug="pharmacy"), ProjectFactory(slug="shop")
    sup = UserFactory(username="pharmacy-sup", is_staff=True)
    MembershipFactory(user=sup, project=pharmacy, role="supervisor")
    partner = UserFactory(username="partner")
    for project in (pharmacy, shop):
        MembershipFactory(user=partner, project=project, role="integration")
    seed_demo_templates(pharmacy)
    return pharmacy, shop, sup, partner


@pytest.fixture
def sup_client(client, pharmacy):
    client.force_login(pharmacy[2])
    return client


def test_supervisor_registers_a_webhook_endpoint_for_his_project(pharmacy, sup_client):
    project, shop, *_ = pharmacy
    # given the add page of webhook endpoints
    assert sup_client.get("/admin/webhooks/webhookendpoint/add/").status_code == 200
    # when he registers an endpoint for his project
    response = sup_client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {"project": project.pk, "url": "https://partner.example/hook", "kinds": ["status"]},
    )
    # then it is saved, with a generated secret
    assert response.status_code == 302, response.content.decode()[-2000:]
    endpoint = WebhookEndpoint.objects.get(project=project)
    assert endpoint.url == "https://partner.example/hook" and endpoint.secret
    # and another project is not his to choose
    refused = sup_client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {"project": shop.pk, "url": "https://partner.example/other", "kinds": ["status"]},
    )
    assert refused.status_code == 200
    assert not WebhookEndpoint.objects.filter(project=shop).exists()


def test_supervisor_edits_an_email_template_of_his_project(pharmacy, sup_client):
    project = pharmacy[0]
    template = MessageTemplate.objects.filter(project=project).first()
    url = f"/admin/messaging/messagetemplate/{template.pk}/change/"
    # given the template's page
    assert sup_client.get(url).status_code == 200
    # when he changes its subject
    data = {
        "project": project.pk,
        "code": template.code,
        "language": template.language,
        "name": template.name,
        "bonus_percent": template.bonus_percent or "",
        "is_active": "on" if template.is_active else "",
        "subject": "Новая тема письма",
        "body_text": template.body_text,
        "body_html": template.body_html,
    }
    response = sup_client.post(url, data)
    # then it is saved
    assert response.status_code == 302, response.content.decode()[-2000:]
    template.refresh_from_db()
    assert template.subject == "Новая тема письма"


def test_supervisor_adds_an_operator_to_his_project_and_no_password_is_audited(
    pharmacy, sup_client
):
    project, shop, *_ = pharmacy
    form = {
        "username": "pharmacy-op3",
        "usable_password": "true",
        "password1": "Secret-pass-4821",
        "password2": "Secret-pass-4821",
        "role": "operator",
    }
    # given the add page of users, which asks for the project and the role
    page = sup_client.get("/admin/accounts/user/add/").content.decode()
    assert 'name="project"' in page and 'name="role"' in page
    # when he adds an operator to another project, then it is refused, nothing created
    assert sup_client.post("/admin/accounts/user/add/", {**form, "project": shop.pk}).status_code
    assert not User.objects.filter(username="pharmacy-op3").exists()
    # when he adds the operator to his project
    response = sup_client.post("/admin/accounts/user/add/", {**form, "project": project.pk})
    # then the account exists, is a member of his project, and he manages it
    assert response.status_code == 302, response.content.decode()[-2000:]
    user = User.objects.get(username="pharmacy-op3")
    assert list(Membership.objects.filter(user=user).values_list("project", "role")) == [
        (project.pk, "operator")
    ]
    assert sup_client.get(f"/admin/accounts/user/{user.pk}/change/").status_code == 200
    # and the audit log records the addition without the password
    assert AuditEntry.objects.filter(action="user.add", target_id=str(user.pk)).exists()
    assert "Secret-pass-4821" not in str(list(AuditEntry.objects.values_list("changes")))


def test_supervisor_sees_only_tokens_of_his_projects_scopes_x_13(pharmacy, sup_client):
    project, shop, _sup, partner = pharmacy
    now = timezone.now()
    # given the partner's token for his project and one for the other project
    token_create(user=partner, name="pharmacy-pay", scopes={project: ["payments"]}, now=now)
    token_create(user=partner, name="shop-intake", scopes={shop: ["intake"]}, now=now)
    token_create(user=partner, name="both", scopes={project: ["read"], shop: ["read"]}, now=now)
    other = ApiToken.objects.get(name="shop-intake")
    # when he lists the tokens
    page = sup_client.get("/admin/accounts/apitoken/").content.decode()
    # then only the token limited to his project is listed, with its scope
    listed = set(
        ApiToken.objects.filter(
            pk__in=[t.pk for t in ApiToken.objects.all() if f"/apitoken/{t.pk}/change/" in page]
        ).values_list("name", flat=True)
    )
    assert listed == {"pharmacy-pay"}
    assert "pharmacy: payments" in page
    # and the other project's token cannot be opened or revoked
    assert sup_client.get(f"/admin/accounts/apitoken/{other.pk}/change/").status_code == 302
    sup_client.post(f"/admin/accounts/apitoken/{other.pk}/delete/", {"post": "yes"})
    assert ApiToken.objects.filter(pk=other.pk).exists()


def test_a_staff_account_without_a_supervisor_membership_gets_no_admin_rights(db, client):
    # given a staff operator (a supervisor elsewhere is not enough for nothing)
    project = ProjectFactory(slug="cod")
    op = UserFactory(username="staff-op", is_staff=True)
    MembershipFactory(user=op, project=project, role="operator")
    client.force_login(op)
    # when he opens the webhook endpoints, then he is refused
    assert client.get("/admin/webhooks/webhookendpoint/add/").status_code == 403
