"""Issue 25 item 8 in Chromium: pharmacy's supervisor signs in to the admin and does what
README and docs/webhooks.md promise him: registers a webhook endpoint, opens the tokens
(only his project's), adds an operator to his project. Screenshots in var/screenshots/
(supervisor-admin-NN-*.png)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dozvon.accounts.models import User
from dozvon.accounts.services import token_create
from dozvon.messaging.demo import seed_demo_templates
from dozvon.webhooks.models import WebhookEndpoint
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_supervisor_runs_his_project_in_the_admin(live_server, pages, shots):  # noqa: F811
    # given pharmacy's supervisor (staff, no permission granted by hand) and a partner
    # integrating pharmacy and another project, with a token for each
    pharmacy = ProjectFactory(slug="pharmacy", name="Аптека")
    shop = ProjectFactory(slug="shop", name="Магазин")
    sup = UserFactory(username="pharmacy-sup", is_staff=True)
    MembershipFactory(user=sup, project=pharmacy, role="supervisor")
    partner = UserFactory(username="partner")
    for project in (pharmacy, shop):
        MembershipFactory(user=partner, project=project, role="integration")
    seed_demo_templates(pharmacy)
    now = timezone.now()
    token_create(user=partner, name="pharmacy-pay", scopes={pharmacy: ["payments"]}, now=now)
    token_create(user=partner, name="shop-intake", scopes={shop: ["intake"]}, now=now)

    # when he signs in to the admin
    page = pages()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("input[name=username]", "pharmacy-sup")
    page.fill("input[name=password]", "pw")
    page.click("input[type=submit]")
    shots(page, "supervisor-admin-01-home")
    # then the webhooks, templates, users and tokens are there for him
    home = page.content()
    for section in ("/admin/webhooks/webhookendpoint/", "/admin/messaging/messagetemplate/"):
        assert section in home, section
    assert "/admin/accounts/user/" in home and "/admin/accounts/apitoken/" in home

    # when he registers a webhook endpoint for his project
    page.goto(f"{live_server.url}/admin/webhooks/webhookendpoint/add/")
    options = page.locator("select[name=project] option").all_inner_texts()
    assert not any("Магазин" in o or "shop" in o for o in options), options
    page.select_option("select[name=project]", str(pharmacy.pk))
    page.fill("input[name=url]", "https://partner.example/hook")
    page.check("input[name=kinds][value=status]")
    page.click("input[name=_continue]")
    shots(page, "supervisor-admin-02-webhook-saved")
    # then it is saved, with its secret shown
    endpoint = WebhookEndpoint.objects.get(project=pharmacy)
    assert endpoint.secret and endpoint.secret in page.content()

    # when he opens the tokens, then only his project's token is listed, with its scope
    page.goto(f"{live_server.url}/admin/accounts/apitoken/")
    shots(page, "supervisor-admin-03-tokens")
    rows = page.locator("#result_list tbody tr").all_inner_texts()
    assert len(rows) == 1 and "pharmacy: payments" in rows[0], rows

    # when he adds an operator to his project
    page.goto(f"{live_server.url}/admin/accounts/user/add/")
    page.fill("input[name=username]", "pharmacy-op3")
    page.fill("input[name=password1]", "Secret-pass-4821")
    page.fill("input[name=password2]", "Secret-pass-4821")
    page.select_option("select[name=project]", str(pharmacy.pk))
    page.select_option("select[name=role]", "operator")
    shots(page, "supervisor-admin-04-user-add")
    page.click("input[name=_continue]")
    shots(page, "supervisor-admin-05-user-added")
    # then the operator exists in his project
    user = User.objects.get(username="pharmacy-op3")
    assert user.memberships.get().project == pharmacy
