"""The `dozvon` command and the demo data (DEVELOPERS.md "Two commands")."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from dozvon.accounts.services import user_for_token
from dozvon.cli import load_demo_env
from dozvon.commands.management.commands.demo import write_demo_env
from dozvon.core.demo import build_demo
from dozvon.orders.models import Order
from dozvon.projects.models import Project
from dozvon.queues.selectors import queue_counts
from tests.factories import UserFactory


def test_token_create_prints_a_working_token_alone_on_its_last_line(db, now):
    user = UserFactory(username="partner-x")
    out = StringIO()
    call_command("token", "create", "partner-x", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    assert " " not in token
    assert user_for_token(token, now=now) == user


def test_token_create_for_an_unknown_user_fails_clearly(db):
    with pytest.raises(Exception, match="no such user"):
        call_command("token", "create", "nobody")


def test_demo_fills_every_queue_and_status_group_of_both_playbooks(db, now):
    # when the demo data is built
    counts = build_demo(now=now)
    # then each project has ~200 orders spread over every COD tab and SHOP group
    assert counts == {
        "cod-demo": 200,
        "shop-demo": 200,
        "pharmacy-demo": 200,
        "subscriptions-demo": 300,
        "telecom-demo": 150,
        "pickup-demo": 48,
    }
    cod = Project.objects.get(slug="cod-demo")
    assert all(n > 0 for _, n in queue_counts(project=cod, now=now))
    cod_statuses = set(Order.objects.filter(project=cod).values_list("status", flat=True))
    assert cod_statuses == {"new", "confirmed", "callback", "no_answer", "rejected", "invalid"}
    shop_groups = set(
        Order.objects.filter(project__slug="shop-demo").values_list("status_group", flat=True)
    )
    assert shop_groups == {"new", "negotiation", "picking", "delivery", "done", "cancelled"}
    # and building it again adds nothing
    assert build_demo(now=now) == {}


def test_dozvon_reads_the_demo_settings_only_when_the_environment_chooses_no_mode(tmp_path):
    # given the file `make demo` leaves in var/
    (tmp_path / "dozvon.env").write_text("# demo\nDOZVON_DEV=true\nDATABASE_URL=sqlite:///d\n")
    # when the environment says nothing, its variables fill the gaps
    env = {"DOZVON_VAR_DIR": str(tmp_path)}
    assert load_demo_env(env) == tmp_path / "dozvon.env"
    assert env == {
        "DOZVON_VAR_DIR": str(tmp_path),
        "DOZVON_DEV": "true",
        "DATABASE_URL": "sqlite:///d",
    }
    # and a variable already set wins
    env = {"DOZVON_VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://db/crm"}
    load_demo_env(env)
    assert env["DATABASE_URL"] == "postgres://db/crm"
    # but an environment that chooses a mode (a deployment's SECRET_KEY) never reads it
    for name, value in [("SECRET_KEY", "k" * 50), ("DEBUG", "false"), ("DOZVON_DEV", "false")]:
        env = {"DOZVON_VAR_DIR": str(tmp_path), name: value}
        assert load_demo_env(env) is None
        assert env == {"DOZVON_VAR_DIR": str(tmp_path), name: value}
    # and without the file nothing changes
    assert load_demo_env({"DOZVON_VAR_DIR": str(tmp_path / "none")}) is None


def test_demo_leaves_its_settings_where_the_dozvon_command_finds_them(
    settings, tmp_path, monkeypatch
):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("DATABASE_URL", "postgres://demo@127.0.0.1/demo")
    path = write_demo_env()
    env = {"DOZVON_VAR_DIR": str(tmp_path)}
    assert load_demo_env(env) == path
    assert env["DOZVON_DEV"] == "true"
    assert env["DATABASE_URL"] == "postgres://demo@127.0.0.1/demo"
    assert path.stat().st_mode & 0o077 == 0  # it may hold a database password


def test_dozvon_refuses_to_start_without_settings_unless_the_demo_left_them(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DOZVON_DEV", "DEBUG", "SECRET_KEY", "DATABASE_URL", "PYTEST_VERSION"}
    }
    env["DOZVON_VAR_DIR"] = str(tmp_path)

    def dozvon_check():
        return subprocess.run(
            [sys.executable, "-m", "dozvon.cli", "check"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    # a production machine with nothing set refuses
    refused = dozvon_check()
    assert refused.returncode != 0
    assert "SECRET_KEY" in refused.stderr
    # a checkout where `make demo` ran starts, and says where its settings came from
    (tmp_path / "dozvon.env").write_text("DOZVON_DEV=true\n")
    started = dozvon_check()
    assert started.returncode == 0, started.stderr
    assert f"demo settings from {tmp_path / 'dozvon.env'}" in started.stderr
