"""X-7 / API.md: a refusal explains itself in the operator's language (ru default, uk, en)."""

import pytest


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ru", "Перед сохранением результата"),
        ("uk", "Перед збереженням результату"),
        ("en", "Record a call attempt before saving this result."),
        ("", "Перед сохранением результата"),
    ],
)
def test_refusal_message_follows_accept_language_cod_15(cod, api_for, lang, expected):
    # given a new order nobody called
    order = cod.intake()
    # when the operator confirms it without a call, in their language
    api = api_for(cod.operator, lang=lang)
    response = api.post(f"/orders/{order.pk}/outcome", {"code": "confirm"})
    # then the refusal names COD-15 and the calls, in that language
    assert response.status_code == 422
    [error] = response.data["errors"]
    assert (error["rule"], error["field"]) == ("COD-15", "calls")
    assert error["message"].startswith(expected)


def test_queue_names_follow_accept_language(cod, api_for):
    ru = api_for(cod.operator, lang="ru").get("/projects/cod/queues").data
    uk = api_for(cod.operator, lang="uk").get("/projects/cod/queues").data
    en = api_for(cod.operator, lang="en").get("/projects/cod/queues").data
    assert [q["name"] for q in (ru[1], uk[1], en[1])] == [
        "Быстрый перезвон",
        "Швидкий передзвін",
        "Quick recall",
    ]


def test_automatic_and_status_lines_of_the_timeline_follow_the_language_x_6(cod, api_for):
    # given a duplicate order (an automatic line) and an order saved as invalid (a status line)
    first = cod.intake(name="Сидоров Сидор")
    dup = cod.intake(name="Сидоров Сидор")
    ru = api_for(cod.operator, lang="ru").get(f"/orders/{dup.pk}/timeline").data
    en = api_for(cod.operator, lang="en").get(f"/orders/{dup.pk}/timeline").data
    # then each reader sees them in their language, with the data filled in
    assert [e["text"] for e in ru] == ["Заказ поступил", f"Дубль заказа №{first.pk}"]
    assert [e["text"] for e in en] == ["Order received", f"Duplicate of order #{first.pk}"]
