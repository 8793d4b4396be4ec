"""Issue 18: a hot read compiled once answers exactly what its queryset answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dozvon.core.compiled import CompiledRead
from dozvon.orders.models import Order
from dozvon.projects.models import Membership
from tests.api.support import intake

pytestmark = pytest.mark.django_db


def _membership_read():
    built = []

    def build(user_id, slug):
        built.append((user_id, slug))
        return (
            Membership.objects.filter(user_id=user_id, project__slug=slug)
            .select_related("project__playbook")
            .defer("project__playbook__definition")[:1]
        )

    return CompiledRead(Membership, build, int, str), built


def test_a_compiled_read_gives_the_querysets_objects_with_their_related_ones(cod, shop):
    read, built = _membership_read()
    for user, project in ((cod.operator, cod.project), (shop.operator, shop.project)):
        [member] = read(user.pk, project.slug)
        expected = Membership.objects.select_related("project__playbook").get(
            user=user, project=project
        )
        assert (member.pk, member.role, member.all_products) == (
            expected.pk,
            expected.role,
            expected.all_products,
        )
        with CaptureQueriesContext(connection) as ctx:  # loaded with it, no further read
            assert member.project.settings == expected.project.settings
            assert member.project.playbook.code == expected.project.playbook.code
        assert len(ctx.captured_queries) == 0
        # the deferred field stays deferred, and reads itself when asked for
        assert "definition" in member.project.playbook.get_deferred_fields()
        assert member.project.playbook.definition == expected.project.playbook.definition
    assert read(cod.operator.pk, shop.project.slug) == []  # not a member there
    assert len(built) == 1  # built and compiled once, with markers, never per call


def test_a_compiled_read_is_one_logged_statement_with_the_callers_values(cod):
    read, _ = _membership_read()
    read(cod.operator.pk, cod.project.slug)
    with CaptureQueriesContext(connection) as ctx:
        [member] = read(cod.supervisor.pk, cod.project.slug)
    assert member.user_id == cod.supervisor.pk
    assert len(ctx.captured_queries) == 1


def test_a_read_whose_argument_the_orm_transforms_falls_back_to_the_queryset(cod, api_for):
    for name in ("Anna Smirnova", "Boris Smirnov"):
        order = intake(api_for(cod.partner), cod)
        Order.objects.filter(pk=order["id"]).update(customer_name=name)
    read = CompiledRead(
        Order,
        lambda part: Order.objects.filter(customer_name__icontains=part).order_by("id"),
        str,
    )
    assert [o.customer_name for o in read("smirnov")] == ["Anna Smirnova", "Boris Smirnov"]
    assert [o.customer_name for o in read("ANNA")] == ["Anna Smirnova"]


def test_a_number_no_column_can_hold_matches_nothing_instead_of_failing(cod):
    read = CompiledRead(Order, lambda pk: Order.objects.filter(pk=pk)[:1], int)
    assert read(1) == [] and read(10**20) == [] and read(-(10**20)) == []


def test_none_is_handed_to_the_orm_which_reads_it_as_is_null(cod, api_for):
    intake(api_for(cod.partner), cod)
    read = CompiledRead(
        Order, lambda user_id: Order.objects.filter(responsible_id=user_id).order_by("id"), int
    )
    assert read(cod.operator.pk) == []
    assert len(read(None)) == Order.objects.filter(responsible__isnull=True).count() == 1


def test_reads_together_give_what_each_gives_alone_each_a_logged_statement(cod, api_for):
    from dozvon.core.compiled import read_together

    order = intake(api_for(cod.partner), cod)
    by_pk = CompiledRead(Order, lambda pk: Order.objects.filter(pk=pk)[:1], int)
    by_customer = CompiledRead(
        Order, lambda customer_id: Order.objects.filter(customer_id=customer_id), int
    )
    customer_id = order["customer"]["id"]
    with CaptureQueriesContext(connection) as ctx:
        one, theirs, none = read_together(
            (by_pk, (order["id"],)), (by_customer, (customer_id,)), (by_pk, (0,))
        )
    assert len(ctx.captured_queries) == 3
    assert [o.pk for o in one] == [order["id"]] == [o.pk for o in theirs] and none == []
    # one of them for the ORM (None): all are read one after the other, the same answers
    one, nobody = read_together((by_pk, (order["id"],)), (by_customer, (None,)))
    assert [o.pk for o in one] == [order["id"]] and nobody == []


def test_a_field_that_refuses_the_marker_is_read_by_the_orm(cod, api_for):
    order = intake(api_for(cod.partner), cod)
    Order.objects.filter(pk=order["id"]).update(delivery_date="2026-12-01")
    read = CompiledRead(Order, lambda day: Order.objects.filter(delivery_date=day), str)
    assert [o.pk for o in read("2026-12-01")] == [order["id"]]
    assert read("2026-12-02") == []
