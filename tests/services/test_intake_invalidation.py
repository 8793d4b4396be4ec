"""COD-19 a, c, d: invalid numbers, obscene names and duplicates are invalidated on intake,
never queued, each with an `auto` line in the timeline."""

from datetime import timedelta

import pytest

from dozvon.history.models import TimelineEntry
from dozvon.orders.selectors import order_queue_code


def auto_lines(order):
    return list(
        TimelineEntry.objects.filter(order=order, kind="auto").values_list("data", flat=True)
    )


@pytest.mark.parametrize(
    "phone",
    ["70000000000", "+7 999 999-99-99", "8916123", "12345", "телефон", "+7 (916) 000-00-00"],
)
def test_fake_or_malformed_phone_is_invalid_number_and_never_queued_cod_19a(cod, now, phone):
    order = cod.intake(phone=phone)
    assert (order.status, order.problem) == ("invalid", "invalid_number")
    assert order_queue_code(order, now=now) is None
    assert auto_lines(order)[-1]["problem"] == "invalid_number"


@pytest.mark.parametrize(
    "name", ["Хуйло Иван", "Xуйлo Петр", "п и з д а", "Блядь Мария", "Ебанько Олег"]
)
def test_obscene_name_is_spam_cod_19c(cod, now, name):
    order = cod.intake(name=name)
    assert (order.status, order.problem) == ("invalid", "spam")
    assert order_queue_code(order, now=now) is None


@pytest.mark.parametrize(
    "name",
    [
        "Сучкова Анна",
        "Хуанито Педро",
        "Хуснутдинов Ренат",
        "Сукачёв Гарик",
        "Херсонская Ольга",
        "Мудрова Ирина",
        "Ебель Артур",
    ],
)
def test_real_surnames_with_tricky_substrings_stay_new_cod_19c(cod, now, name):
    order = cod.intake(name=name)
    assert (order.status, order.bucket) == ("new", "new")


def test_second_order_with_same_phone_name_and_product_is_a_duplicate_cod_19d(cod, now):
    # given an order waiting in New
    original = cod.intake(name="Петров Пётр", created_at=now - timedelta(minutes=10))
    # when the same customer orders the same product again (name typed differently)
    again = cod.intake(name="петров  пётр", created_at=now)
    # then the later one is invalid, linked to the original
    assert (again.status, again.problem) == ("invalid", "duplicate")
    assert again.extra["duplicate_of"] == original.pk
    assert auto_lines(again)[-1]["duplicate_of"] == original.pk
    assert original.__class__.objects.get(pk=original.pk).status == "new"


def test_other_product_or_other_name_is_not_a_duplicate_cod_19d(cod, now):
    cod.intake(name="Петров Пётр")
    other_product = cod.intake(name="Петров Пётр", skus=[cod.products[1].sku])
    other_name = cod.intake(name="Петрова Анна")
    assert other_product.status == "new" and other_name.status == "new"


def test_shop_playbook_has_no_automatic_invalidation(shop, now):
    order = shop.intake(phone="70000000000")
    assert order.status == "new"
