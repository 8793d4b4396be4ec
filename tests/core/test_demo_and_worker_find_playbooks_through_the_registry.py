"""Issue 26: `dozvon demo` and `dozvon worker` find each playbook's parts through the
plug-in registry (dozvon.core.plugins), importing no plug-in: the demo runs every builder
registered at DEMO in its order — COD/SHOP's first, since it creates the logins the other
demos share — and the worker schedules, after the engine's periodic tasks, every one
registered at PERIODIC (NBO-4's excluded numbers report among them)."""

from __future__ import annotations

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dozvon.commands.demo_cod_shop import build_cod_shop_demo
from dozvon.commands.management.commands.worker import schedule_periodic
from dozvon.core import plugins
from dozvon.core.demo import build_demo
from dozvon.dunning.demo import build_pharmacy_demo
from dozvon.offers.demo import build_telecom_demo
from dozvon.offers.tasks import send_excluded_reports
from dozvon.subscriptions.demo import build_subscriptions_demo


@pytest.fixture
def registry(monkeypatch):
    """The registry as the apps filled it; what a test adds is gone after it."""
    monkeypatch.setattr(plugins, "_REGISTRY", dict(plugins._REGISTRY))
    return plugins


def test_the_demo_builds_cod_and_shop_first_then_every_plugins_demo():
    builders = plugins.items(plugins.DEMO)
    assert builders[0] is build_cod_shop_demo
    plugins_demos = [build_pharmacy_demo, build_subscriptions_demo, build_telecom_demo]
    assert [b for b in builders if b in plugins_demos] == plugins_demos  # as before issue 26


def test_the_demo_runs_every_registered_builder_in_order_and_sums_up_their_projects(
    db, registry, now
):
    calls = []

    def builder(slug):
        def build(*, now, seed):
            calls.append((slug, now, seed))
            return {slug: len(slug)}

        return build

    registry._REGISTRY.clear()
    registry.register(plugins.DEMO, "later", "b", builder("second-demo"), order=50)
    registry.register(plugins.DEMO, "first", "a", builder("first"), order=10)

    counts = build_demo(now=now, seed=3)

    assert calls == [("first", now, 3), ("second-demo", now, 3)]
    assert counts == {"first": 5, "second-demo": 11}


def test_starting_the_worker_schedules_what_the_plugins_registered_nbo_4(db, registry):
    called = []
    registry.register(plugins.PERIODIC, "probe", "periodic", lambda: called.append("probe"))

    schedule_periodic()

    assert called == ["probe"]
    waiting = DBTaskResult.objects.filter(
        task_path=send_excluded_reports.module_path, status=TaskResultStatus.READY
    )
    assert waiting.count() == 1  # NBO-4, registered by the offers plug-in
