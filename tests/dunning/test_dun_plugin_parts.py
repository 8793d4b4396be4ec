"""Issue 26: the DUN parts the engine uses are the dunning plug-in's, registered by it
(dozvon.core.plugins) — the checks dun.toml cites by name (DUN-5…8), DUN-6's rule over
every comment and the guards of its emails (DUN-1/2, DUN-7) — and the engine finds them
only through the registry, for the playbook whose file says `plugin = "dunning"`."""

from __future__ import annotations

import pytest

from dozvon.core import plugins
from dozvon.dunning import checks, services
from dozvon.playbooks import comment_rules as C
from dozvon.playbooks import rules as R
from dozvon.playbooks.selectors import playbook_def
from tests.rules.support import playbook

DUN_CHECKS = {"postpone_rules", "calling_discipline", "comment_in_russian", "requires_email"}


@pytest.mark.nodb
def test_the_dunning_plug_in_registers_the_checks_dun_toml_cites_by_name():
    # the registry knows which plug-in supplies each named check
    supplied = {e.name: e.item for e in plugins.extensions(plugins.CHECKS, ["dunning"])}
    assert set(supplied) == DUN_CHECKS
    # and the engine runs those very functions, with DUN-5's planner and DUN-7's fact
    assert all(R.REGISTRY[name] is fn for name, fn in supplied.items())
    assert R.PLANNERS["postpone_rules"] is checks.postpone_plan
    assert R.ON_DEMAND["calling_discipline"] == {"last_comment_at"}
    assert C.COMMENT_RULES["language"] is checks.comment_language


@pytest.mark.nodb
def test_dun_toml_cites_only_the_engine_s_checks_and_its_own_plug_in_s():
    by_plugins = {e.name for e in plugins.extensions(plugins.CHECKS)}
    engine = set(R.REGISTRY) - by_plugins
    pb = playbook("dun")
    cited = {c.name for o in pb.outcomes.values() for c in o.checks}
    assert pb.plugin == "dunning"
    assert cited & DUN_CHECKS and cited <= engine | DUN_CHECKS


@pytest.mark.nodb
def test_registering_the_checks_again_changes_nothing():
    # AppConfig.ready() may run twice (tests): the same names, the same functions
    before = (dict(R.REGISTRY), plugins.extensions(plugins.CHECKS, ["dunning"]))
    checks.register("dunning")
    assert (dict(R.REGISTRY), plugins.extensions(plugins.CHECKS, ["dunning"])) == before


@pytest.mark.nodb
def test_a_comment_rule_is_on_only_where_the_playbook_s_comments_table_names_it_dun_6():
    english = "customer promised to pay tomorrow"
    refused = C.check_comment_text({"comments": {"language": "ru"}}, english, field="text")
    assert [(v.rule, v.field) for v in refused] == [("DUN-6", "text")]
    assert C.check_comment_text({}, english, field="text") == []
    assert C.check_comment_text({"comments": {"language": "en"}}, english, field="text") == []


def test_only_a_dun_project_s_emails_pass_the_plug_in_s_guards(dun, cod):
    dun_pb, cod_pb = playbook_def(dun.project.playbook), playbook_def(cod.project.playbook)
    assert plugins.for_playbook(plugins.MESSAGE_GUARDS, dun_pb) == [services.MESSAGE_GUARD]
    assert plugins.for_playbook(plugins.MESSAGE_GUARDS, cod_pb) == []
