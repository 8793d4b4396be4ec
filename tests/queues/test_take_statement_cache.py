"""The take statement is compiled once per project, tab and operator, and only its time
values are filled in per call (COD-1…9): at any moment, in any time zone, for every tab and
kind of operator it must be exactly what a fresh compile gives."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dozvon.playbooks.selectors import playbook_def
from dozvon.queues import services as queue_svc
from dozvon.queues.services import take_statement
from tests.factories import MembershipFactory, UserFactory

# The statement is PostgreSQL's; SQLite's compiler turns time values into text, which the
# cache recognises as unsafe to reuse, so there every call compiles afresh.
PG = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement")
MOMENTS = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2030, 12, 31),
    timezones=st.just(UTC),
)
ZONES = st.sampled_from(
    ["Europe/Moscow", "Europe/Kyiv", "America/New_York", "Asia/Kathmandu", "Pacific/Chatham"]
)


@pytest.fixture
def actors(cod):
    """An operator with every product, one with a single skill, and a supervisor."""
    narrow = UserFactory(username="narrow")
    member = MembershipFactory(user=narrow, project=cod.project, all_products=False)
    member.skills.set([cod.products[1]])
    return [cod.operator, narrow, cod.supervisor]


@PG  # on SQLite nothing is reused, so the comparison could not fail there
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(moments=st.lists(MOMENTS, min_size=2, max_size=4), zone=ZONES)
def test_cached_statement_equals_a_fresh_compile_at_any_moment(cod, actors, moments, zone):
    cod.project.time_zone = zone
    queue_svc._COMPILED.clear()
    for actor in actors:
        for queue in playbook_def(cod.project.playbook).queues:
            for now in moments:  # the first call compiles, the others reuse
                fresh = take_statement(
                    project=cod.project, queue=queue, actor=actor, now=now, cached=False
                )
                cached = take_statement(project=cod.project, queue=queue, actor=actor, now=now)
                assert cached == fresh, (actor.username, queue.code, now, zone)


@PG
def test_statements_are_reused_across_calls_and_kept_apart_per_operator_and_tab(cod, now):
    queue_svc._COMPILED.clear()
    new, quick = playbook_def(cod.project.playbook).queues[:2]
    for minutes in range(5):
        take_statement(
            project=cod.project, queue=new, actor=cod.operator, now=now + timedelta(minutes=minutes)
        )
    assert len(queue_svc._COMPILED) == 1
    take_statement(project=cod.project, queue=quick, actor=cod.operator, now=now)
    take_statement(project=cod.project, queue=new, actor=cod.supervisor, now=now)
    assert len(queue_svc._COMPILED) == 3


@PG
def test_a_changed_time_zone_or_skills_mode_compiles_anew(cod, now):
    queue_svc._COMPILED.clear()
    new = playbook_def(cod.project.playbook).queues[0]
    take_statement(project=cod.project, queue=new, actor=cod.operator, now=now)
    cod.project.time_zone = "Asia/Kathmandu"
    sql, params = take_statement(project=cod.project, queue=new, actor=cod.operator, now=now)
    assert len(queue_svc._COMPILED) == 2
    assert (sql, params) == take_statement(
        project=cod.project, queue=new, actor=cod.operator, now=now, cached=False
    )
    # the operator loses "all products" and gets one skill (seen from their next request)
    member = cod.project.memberships.get(user=cod.operator)
    member.all_products = False
    member.save()
    member.skills.set([cod.products[0]])
    del cod.operator._dozvon_memberships
    sql, params = take_statement(project=cod.project, queue=new, actor=cod.operator, now=now)
    assert len(queue_svc._COMPILED) == 3
    assert "skills" in sql
    assert (sql, params) == take_statement(
        project=cod.project, queue=new, actor=cod.operator, now=now, cached=False
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's compiler")
def test_time_values_compiled_to_text_are_never_reused(cod, now):
    queue_svc._COMPILED.clear()
    new = playbook_def(cod.project.playbook).queues[0]
    later = now + timedelta(hours=30)
    sql, params = take_statement(project=cod.project, queue=new, actor=cod.operator, now=later)
    assert queue_svc._COMPILED == {}
    assert str(later.replace(tzinfo=None)) in [str(p) for p in params]
