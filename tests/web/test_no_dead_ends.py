"""Issue 12 "No dead ends": every screen leads on, and offers only what the role may do."""

from tests.factories import MembershipFactory


def test_home_cards_lead_to_the_workspace_and_for_a_supervisor_to_the_supervisor_screen(
    cod, shop, client
):
    # given a supervisor of COD who is an operator in SHOP
    MembershipFactory(user=cod.supervisor, project=shop.project, role="operator")
    client.force_login(cod.supervisor)
    html = client.get("/").content.decode()
    assert 'href="/p/cod/"' in html and 'href="/p/shop/"' in html
    assert 'href="/p/cod/supervisor"' in html
    assert 'href="/p/shop/supervisor"' not in html


def test_operators_are_not_offered_the_supervisor_screen_x_2(cod, client):
    client.force_login(cod.operator)
    html = client.get("/p/cod/").content.decode()
    assert "/p/cod/supervisor" not in html
    assert client.get("/p/cod/supervisor").status_code == 403


def test_the_keyboard_help_is_not_on_the_login_page(client):
    html = client.get("/login/").content.decode()
    assert "Alt</kbd>+<kbd>T" not in html


def test_a_closed_order_shows_no_result_buttons_and_a_supervisor_reopens_it(cod, client):
    from dozvon.core import clock
    from dozvon.orders.services import order_apply_outcome
    from dozvon.orders.services.calling import call_attempt_record

    order = cod.intake()
    now = clock.now()
    call_attempt_record(order_id=order.pk, actor=cod.operator, result="answered", now=now)
    order_apply_outcome(order_id=order.pk, actor=cod.operator, code="confirm", now=now)
    client.force_login(cod.operator)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "outcome-open" not in html and "/reopen" not in html
    client.force_login(cod.supervisor)
    assert f"/orders/{order.pk}/reopen" in client.get(f"/orders/{order.pk}/").content.decode()
    client.post(f"/orders/{order.pk}/reopen", {"comment": "ошибочно подтверждён"})
    assert "outcome-open" in client.get(f"/orders/{order.pk}/").content.decode()
