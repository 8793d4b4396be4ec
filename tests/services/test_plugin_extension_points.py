"""Issue 26: what the engine offers any playbook plug-in, proven with a probe plug-in of
this test's own (no shipped plug-in's names): inputs of its results declared like the
engine's fields (`playbooks.fields.register_outcome_field`) — cited by its playbook file,
taken by the outcome service, the card's forms and put in words by the history — and the
facts its checks read, loaded by the outcome service with the locked order
(`register_check(..., facts=)`); a partner's report as its own event kind; the system's
row lock; the typed day reader a plug-in's views share with the card."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.http import QueryDict
from django.utils import translation

from dozvon.audit.models import AuditEntry
from dozvon.changes.models import Change
from dozvon.core import errors, form_values
from dozvon.core.errors import RuleViolations, violation
from dozvon.customers.services import CustomerInput
from dozvon.history.models import TimelineEntry
from dozvon.orders import selectors as order_sel
from dozvon.orders.models import Order
from dozvon.orders.services import ItemInput, order_apply_outcome, order_intake
from dozvon.orders.services.base import lock_order_for_system
from dozvon.orders.services.events import Event, Line, record
from dozvon.playbooks import fields
from dozvon.playbooks import rules as R
from dozvon.playbooks.definition import PlaybookError, parse_playbook
from dozvon.playbooks.fields import N_, FieldDecl, Kind, Store
from dozvon.playbooks.selectors import playbook_def
from dozvon.playbooks.services import playbook_load
from dozvon.web import forms
from tests.conftest import NOW
from tests.factories import MembershipFactory, ProductFactory, ProjectFactory, UserFactory

PLUGIN = "probe"
LIMIT = date(2026, 12, 1)
PROBE_DAY = FieldDecl("probe_day", Kind.DATE, N_("Probe day"), Store.OUTCOME)
NAMES = '{ ru = "Проба", uk = "Проба", en = "Probe" }'
PLAYBOOK = f"""
code = "probe"
plugin = "{PLUGIN}"
version = 1
name = {NAMES}

[settings.payment]
methods = ["cod"]

[[groups]]
code = "open"
name = {NAMES}
[[statuses]]
code = "new"
group = "open"
initial = true
name = {{ ru = "Новый", uk = "Новий", en = "New" }}
[[statuses]]
code = "promised"
group = "open"
name = {{ ru = "Обещано", uk = "Обіцяно", en = "Promised" }}
[[queues]]
code = "new"
bucket = "new"
name = {NAMES}

[[outcomes]]
code = "promise"
status = "promised"
rule = "PRB-1"
name = {NAMES}
requires = ["probe_day"]
checks = [{{ check = "probe_day_by_limit" }}, {{ check = "probe_knows_the_order" }}]

[[outcomes]]
code = "plain"
status = "promised"
rule = "PRB-2"
name = {NAMES}
"""


class Loader:
    """The probe's fact loader: what the engine hands its checks, and how often it ran."""

    def __init__(self):
        self.calls: list[int] = []

    def __call__(self, order) -> dict:
        self.calls.append(order.pk)
        return {"limit": LIMIT, "order": order.pk}


SEEN: list[dict] = []  # the facts the probe's checks were given


def probe_day_by_limit(ctx: R.OutcomeContext, *, rule_id: str):
    SEEN.append(dict(ctx.facts))
    day = ctx.values.get("probe_day")
    if isinstance(day, date) and day > ctx.facts["limit"]:
        return [violation(rule_id, "probe_day", "The day cannot be in the past.")]
    return []


def probe_knows_the_order(ctx: R.OutcomeContext, *, rule_id: str):
    SEEN.append(dict(ctx.facts))
    return []


@pytest.fixture
def probe():
    """The probe plug-in registered as its `register()` would, and forgotten afterwards."""
    registries = (R.REGISTRY, R.FACT_LOADERS, fields.BY_NAME, errors.FIELD_LABELS)
    saved = [(registry, dict(registry)) for registry in registries]
    loader = Loader()
    SEEN.clear()
    try:
        fields.register_outcome_field(PLUGIN, PROBE_DAY)
        R.register_check("probe_day_by_limit", probe_day_by_limit, facts=loader)
        R.register_check("probe_knows_the_order", probe_knows_the_order, facts=loader)
        yield loader
    finally:
        for registry, before in saved:
            registry.clear()
            registry.update(before)


@pytest.fixture
def probe_order(db, probe, tmp_path):
    path = tmp_path / "probe.toml"
    path.write_text(PLAYBOOK, encoding="utf-8")
    playbook, _changed = playbook_load(path=path, now=NOW)
    project = ProjectFactory(slug="probe", name="probe", playbook=playbook)
    ProductFactory(project=project, sku="probe-1", price=Decimal("100.00"))
    operator = UserFactory(username="probe-operator")
    MembershipFactory(user=operator, project=project, role="operator")
    partner = UserFactory(username="probe-integration")
    MembershipFactory(user=partner, project=project, role="integration")
    order, _ = order_intake(
        project=project,
        actor=partner,
        external_id="PRB-1",
        customer=CustomerInput(name="Проба Пробная", phone="+79160000001", type="private"),
        items=[ItemInput("probe-1")],
        created_at=NOW,
        now=NOW,
    )
    return order, operator


def test_a_plug_in_declares_an_input_of_its_results_like_the_engine_s(probe):
    decl = fields.BY_NAME["probe_day"]
    assert decl.plugin == PLUGIN and decl in fields.declared(Store.OUTCOME)
    assert "probe_day" in fields.outcome_input_names(PLUGIN)
    assert "probe_day" in fields.outcome_input_names()  # the API's body takes every one
    assert "probe_day" not in fields.outcome_input_names("")  # not a result of the engine's
    assert "probe_day" not in fields.outcome_input_names("another")
    assert "reason" in fields.outcome_input_names(PLUGIN)  # the engine's inputs stay
    # a refusal names it by its label
    assert violation("PRB-1", "probe_day", "This field is required for this result.").render()
    assert errors.FIELD_LABELS["probe_day"] == "Probe day"
    # registering again (ready() twice) is allowed; a name taken or a column is not
    fields.register_outcome_field(PLUGIN, PROBE_DAY)
    with pytest.raises(ValueError):
        fields.register_outcome_field("another", PROBE_DAY)
    with pytest.raises(ValueError):
        fields.register_outcome_field(PLUGIN, FieldDecl("reason", Kind.TEXT, "R", Store.OUTCOME))
    with pytest.raises(ValueError):
        fields.register_outcome_field(PLUGIN, FieldDecl("floor", Kind.TEXT, "F", Store.ORDER))


def test_a_playbook_file_cites_its_own_plug_in_s_inputs_only(probe):
    data = {
        "code": "p",
        "plugin": PLUGIN,
        "name": {"ru": "п", "uk": "п", "en": "p"},
        "groups": [{"code": "g", "name": {"ru": "г", "uk": "г", "en": "g"}}],
        "statuses": [
            {"code": "s", "group": "g", "initial": True, "name": {"ru": "с", "uk": "с", "en": "s"}}
        ],
        "outcomes": [
            {
                "code": "o",
                "status": "s",
                "rule": "PRB-1",
                "requires": ["probe_day"],
                "name": {"ru": "о", "uk": "о", "en": "o"},
            }
        ],
    }
    assert parse_playbook(data).outcomes["o"].requires == ("probe_day",)
    for other in ("", "another"):
        with pytest.raises(PlaybookError) as refused:
            parse_playbook({**data, "plugin": other})
        assert "outcome o: unknown field 'probe_day' in requires" in refused.value.problems


def test_the_outcome_service_takes_the_input_and_gives_the_checks_the_plug_in_s_facts(
    probe_order, probe
):
    order, operator = probe_order

    def save(code="promise", **inputs):
        return order_apply_outcome(
            order_id=order.pk, actor=operator, code=code, inputs=inputs, now=NOW
        )

    # required by the file, refused by the check reading the loaded facts
    with pytest.raises(RuleViolations) as missing:
        save()
    assert {(v.rule, v.field) for v in missing.value.violations} == {("PRB-1", "probe_day")}
    with pytest.raises(RuleViolations) as late:
        save(probe_day=LIMIT + timedelta(days=1))
    assert {(v.rule, v.field) for v in late.value.violations} == {("PRB-1", "probe_day")}
    # the loader ran once per save for its two checks, with the locked order
    assert probe.calls == [order.pk, order.pk]
    assert SEEN[-1] == {"limit": LIMIT, "order": order.pk}
    saved = save(probe_day=LIMIT)
    assert saved.status == "promised"
    line = TimelineEntry.objects.filter(order=order, kind="status").order_by("-id").first()
    assert line.data["inputs"] == {"probe_day": LIMIT.isoformat()}
    # the history puts it in words, by its label
    with translation.override("ru"):
        text = order_sel.timeline_text(line, playbook_def(order.project.playbook))
    assert text == "Новый → Обещано (Probe day: 01.12.2026)"
    # an outcome citing none of the plug-in's checks loads none of its facts
    calls = len(probe.calls)
    order_apply_outcome(order_id=order.pk, actor=operator, code="plain", now=NOW)
    assert len(probe.calls) == calls


def test_another_playbook_s_result_refuses_the_plug_in_s_input(probe, cod):
    order = cod.intake()
    with pytest.raises(RuleViolations) as refused:
        order_apply_outcome(
            order_id=order.pk,
            actor=cod.operator,
            code="callback",
            inputs={"probe_day": LIMIT},
            now=NOW,
        )
    assert {(v.rule, v.field) for v in refused.value.violations} == {("input", "probe_day")}
    assert Order.objects.get(pk=order.pk).status == "new"


def test_the_card_s_result_form_reads_the_plug_in_s_input_as_its_kind(probe):
    args, bad = forms.parse_outcome(QueryDict("code=promise&probe_day=01.12.2026"), "UTC")
    assert bad == [] and args["inputs"] == {"probe_day": LIMIT}
    _args, bad = forms.parse_outcome(QueryDict("code=promise&probe_day=завтра"), "UTC")
    assert [(v.rule, v.field) for v in bad] == [("input", "probe_day")]
    assert forms.field_spec(fields.BY_NAME["probe_day"], {})["widget"] == "day"


def test_a_partner_s_report_is_its_own_event_read_in_words(cod):
    order = cod.intake()
    changes = Change.objects.filter(order=order).count()
    entry = record(
        Event.REPORTED,
        order=order,
        actor=cod.partner,
        now=NOW,
        lines=[Line("Refund requests waiting for the partner: %(n)s", {"n": 2})],
        changes={"n": 2},
    )
    assert entry.kind == "auto" and entry.actor == cod.partner
    audit = AuditEntry.objects.filter(target_id=str(order.pk)).order_by("-id").first()
    assert (audit.action, audit.changes) == ("order.report", {"n": 2})
    # a report moves nothing by itself: the partner does not get it back in the feed
    assert Change.objects.filter(order=order).count() == changes
    with translation.override("ru"):
        text = order_sel.timeline_text(entry, playbook_def(order.project.playbook))
    assert text == "Запросы на возврат, ожидающие партнёра: 2"


def test_the_system_s_lock_is_the_user_s_without_the_access_check(cod):
    order = cod.intake()
    with transaction.atomic():
        locked = lock_order_for_system(order.pk)
        assert locked == order
        # what every service reads of the locked order comes with it
        assert locked.project.playbook.code == "cod" and locked.customer.pk
        assert lock_order_for_system(order.pk + 10**6) is None


def test_a_plug_in_reads_a_typed_day_as_the_card_does():
    assert forms.parse_day is form_values.parse_day
    assert form_values.parse_day("27.11.26") == date(2026, 11, 27)
    assert form_values.parse_day(" 2026-11-27 ") == date(2026, 11, 27)
    for typed in ("", "завтра", "31.02.2026"):
        with pytest.raises(ValueError):
            form_values.parse_day(typed)
