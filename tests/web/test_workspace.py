"""Workspace wiring: views call the services, show refusals next to fields, keep input."""

import re
from datetime import timedelta

from dozvon.core import clock
from dozvon.orders.models import Order
from tests.conftest import NOW


def test_take_next_opens_the_oldest_new_order_card_cod_7(client, cod):
    now = clock.now()  # the web views run on the real clock
    older = cod.intake(phone="+79161230001", created_at=now - timedelta(minutes=20))
    cod.intake(phone="+79161230002", created_at=now - timedelta(minutes=5))
    client.force_login(cod.operator)
    response = client.post("/p/cod/queues/new/next")
    assert response.status_code == 302 and response["Location"] == f"/orders/{older.pk}/?from=new"
    assert Order.objects.get(pk=older.pk).claimed_by == cod.operator


def test_refused_outcome_shows_each_violation_at_its_field_and_keeps_input_cod_16(client, cod):
    order = cod.intake()
    client.force_login(cod.operator)
    response = client.post(
        f"/orders/{order.pk}/outcome",
        {"code": "callback", "problem": "need_callback", "comment": "перезвонить вечером"},
    )
    # the refusal is a redirect to the card (a reload never re-sends the form: issue 12)
    assert response.status_code == 303
    response = client.get(response["Location"])
    page = response.content.decode()
    assert response.status_code == 422
    assert "перезвонить вечером</textarea>" in page
    assert page.count("(COD-16)") == 2  # the date, and the missing call
    assert Order.objects.get(pk=order.pk).status == "new"


def test_list_searches_by_phone_in_any_format_and_pages_by_20_x_4(client, cod):
    for i in range(25):
        cod.intake(phone=f"+7916777{i:04d}", name=f"Покупатель{i}")
    client.force_login(cod.operator)
    page = client.get("/p/cod/").content.decode()
    assert page.count("<tr") == 21  # header + 20 rows
    found = client.get("/p/cod/", {"q": "8 (916) 777-00-07"}).content.decode()
    assert "Покупатель7<" in found and "Покупатель8<" not in found


def test_the_second_page_continues_the_newest_first_list_x_4(client, cod):
    # given 25 orders that arrived one after another
    for i in range(25):
        cod.intake(
            phone=f"+7916777{i:04d}", name=f"Покупатель{i}", created_at=NOW + timedelta(minutes=i)
        )
    client.force_login(cod.operator)
    # when the operator opens the second page
    page = client.get("/p/cod/", {"page": 2}).content.decode()
    # then it holds the five oldest, newest first
    assert page.count("<tr") == 6
    shown = [int(n) for n in re.findall(r"Покупатель(\d+)<", page)]
    assert shown == [4, 3, 2, 1, 0]


def test_supervisor_screen_is_forbidden_to_operators_x_2(client, cod):
    client.force_login(cod.operator)
    assert client.get("/p/cod/supervisor").status_code == 403
    client.force_login(cod.supervisor)
    assert client.get("/p/cod/supervisor").status_code == 200


def test_queue_bar_partial_lists_every_tab_with_its_count(client, cod):
    cod.intake()
    client.force_login(cod.operator)
    html = client.get("/p/cod/queues").content.decode()
    assert 'data-count="new">1<' in html
    assert 'data-take="no_answer_earlier"' not in html  # listed, never handed out (COD-6)


def test_nul_characters_are_refused_not_a_server_error(client, cod, api_for):
    order = cod.intake()
    client.force_login(cod.operator)
    page = client.post(f"/orders/{order.pk}/comment", {"text": "при\x00вет"})
    assert page.status_code == 400
    api = api_for(cod.operator)
    listed = api.get("/projects/cod/orders", q="a\x00b")
    assert listed.status_code == 422 and listed.data["errors"][0]["rule"] == "input"
    body = api.post(f"/orders/{order.pk}/comments", {"text": "при\x00вет"})
    assert body.status_code == 422 and body.data["errors"][0]["field"] == "text"


def test_after_a_save_the_next_order_of_the_same_queue_opens_unless_turned_off(client, cod):
    now = clock.now()
    first = cod.intake(phone="+79161230001", created_at=now - timedelta(minutes=20))
    second = cod.intake(phone="+79161230002", created_at=now - timedelta(minutes=5))
    client.force_login(cod.operator)
    client.post("/p/cod/queues/new/next")
    # when the operator records no answer in one step, the next order opens (issue 12)
    response = client.post(f"/orders/{first.pk}/no-answer", {"from": "new", "duration_s": "25"})
    assert response["Location"] == f"/orders/{second.pk}/?from=new"
    assert Order.objects.get(pk=first.pk).status == "no_answer"
    # when they turn it off, a save leads back to the queue instead
    client.post("/auto-next", {"on": "0", "back": "/"})
    response = client.post(f"/orders/{second.pk}/no-answer", {"from": "new"})
    assert response["Location"] == "/p/cod/?queue=new"


def test_reloading_the_card_after_a_refusal_shows_the_plain_card(client, cod):
    order = cod.intake()
    client.force_login(cod.operator)
    response = client.post(f"/orders/{order.pk}/outcome", {"code": "callback"})
    refused = client.get(response["Location"])
    assert refused.status_code == 422  # the refusal, once, naming its rule at the fields
    assert "(COD-16)" in refused.content.decode()
    again = client.get(response["Location"])
    assert again.status_code == 200  # reload: the card again, without the refusal
    assert "(COD-16)" not in again.content.decode()
