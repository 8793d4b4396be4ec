"""DUN-6 on comments: in a project whose playbook says comments are written in Russian
(`[settings.comments]`), a comment in Ukrainian, English or Russian in Latin letters is
refused (422 naming `text`, as the comments endpoint calls it) and nothing is written; a
Russian one, or one too short to judge, is saved. Other playbooks' comments are free."""

from __future__ import annotations

import pytest

from dozvon.core.errors import RuleViolations
from dozvon.orders.services import order_add_comment
from tests.api.support import errors_of, intake
from tests.dunning.support import at, fresh, pairs, pending, timeline

REFUSED = [
    "обіцяв сплатити завтра, просить лист з реквізитами",  # Ukrainian
    "customer promised to pay tomorrow",  # English
    "obeshal oplatit zavtra",  # Russian in Latin letters
]
ACCEPTED = ["Обещал оплатить завтра, просит письмо с реквизитами", "ок", "12.05"]


@pytest.mark.parametrize("text", REFUSED)
def test_a_comment_not_in_russian_is_refused_and_not_written_dun_6(dun, text):
    # given a DUN order
    order = pending(dun, at(20, 10))
    before = fresh(order)
    # when the operator comments in another language (or in Latin letters)
    with pytest.raises(RuleViolations) as refused:
        order_add_comment(order_id=order.pk, actor=dun.operator, text=text, now=at(23, 12))
    # then DUN-6 refuses the comment's text and nothing is written
    assert pairs(refused.value.violations) == {("DUN-6", "text")}
    assert timeline(order, "comment") == []
    assert (fresh(order).version, fresh(order).last_comment) == (before.version, "")


@pytest.mark.parametrize("text", ACCEPTED)
def test_a_russian_or_too_short_comment_is_saved_dun_6(dun, text):
    order = pending(dun, at(20, 10))
    entry = order_add_comment(order_id=order.pk, actor=dun.operator, text=text, now=at(23, 12))
    assert (entry.kind, entry.text) == ("comment", text)
    assert fresh(order).last_comment == text


def test_comments_of_a_cod_project_are_not_judged_by_language_dun_6(cod):
    # given a COD order (its playbook has no comment language rule)
    order = cod.intake()
    # when the operator writes in Ukrainian
    entry = order_add_comment(
        order_id=order.pk, actor=cod.operator, text=REFUSED[0], now=at(23, 12)
    )
    # then it is saved
    assert entry.text == REFUSED[0]


@pytest.mark.parametrize("text", REFUSED)
def test_the_comments_endpoint_answers_422_dun_6_on_text(dun, api_for, text):
    order_id = intake(api_for(dun.partner), dun, payment_method="bank_transfer")["id"]
    response = api_for(dun.operator).post(f"/orders/{order_id}/comments", {"text": text})
    assert response.status_code == 422
    assert errors_of(response) == {("DUN-6", "text")}
    assert api_for(dun.operator).get(f"/orders/{order_id}/timeline").data[-1]["kind"] != "comment"


@pytest.mark.parametrize("text", ACCEPTED)
def test_the_comments_endpoint_saves_a_russian_or_short_comment_dun_6(dun, api_for, text):
    order_id = intake(api_for(dun.partner), dun, payment_method="bank_transfer")["id"]
    response = api_for(dun.operator).post(f"/orders/{order_id}/comments", {"text": text})
    assert response.status_code == 201
    assert (response.data["kind"], response.data["text"]) == ("comment", text)


def test_the_comments_endpoint_of_a_cod_project_takes_any_language_dun_6(cod, api_for):
    order_id = intake(api_for(cod.partner), cod)["id"]
    response = api_for(cod.operator).post(f"/orders/{order_id}/comments", {"text": REFUSED[1]})
    assert response.status_code == 201


def test_another_project_s_operator_gets_404_on_comments_x_2(dun, cod, api_for):
    order_id = intake(api_for(dun.partner), dun, payment_method="bank_transfer")["id"]
    response = api_for(cod.operator).post(f"/orders/{order_id}/comments", {"text": "Звонил"})
    assert response.status_code == 404
