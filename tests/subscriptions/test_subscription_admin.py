"""SUB-2 in the admin too: an accelerated subscription is never put back on base."""

from __future__ import annotations

from dozvon.audit.models import AuditEntry
from dozvon.subscriptions.models import Subscription
from tests.factories import UserFactory
from tests.subscriptions.conftest import sub_row


def test_the_admin_refuses_accelerated_to_base_and_changes_through_the_service_SUB_2(sub, client):
    (created,) = sub.upsert(sub_row())
    pk = created.subscription.pk
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = f"/admin/subscriptions/subscription/{pk}/change/"
    assert client.get(url).status_code == 200
    inline = {"contact_rows-TOTAL_FORMS": "0", "contact_rows-INITIAL_FORMS": "0"}
    refused = client.post(url, {"plan": "base", "group": "pink", "status": "active", **inline})
    assert refused.status_code == 200  # the form again, with the error
    assert "SUB-2" in str(refused.context["adminform"].form.errors)
    assert Subscription.objects.get().plan == "accelerated"
    accepted = client.post(
        url, {"plan": "accelerated", "group": "pink", "status": "cancelled", **inline}
    )
    assert accepted.status_code == 302
    changed = Subscription.objects.get()
    assert (changed.group, changed.status, changed.version) == ("pink", "cancelled", 2)
    assert AuditEntry.objects.filter(action="subscription.change", target_id=str(pk)).exists()
