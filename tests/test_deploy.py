"""Non-negotiables: production settings pass `check --deploy`; secrets are never in the repo."""

import os
import subprocess
import sys


def test_check_deploy_passes_with_production_settings():
    # given production settings from the environment (no DEBUG, no dev mode)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DOZVON_DEV", "PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="false", SECRET_KEY="x" * 20 + os.urandom(24).hex(), ALLOWED_HOSTS="crm.example.org"
    )
    # when Django's deployment checks run
    result = subprocess.run(
        [sys.executable, "-m", "dozvon.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then there is nothing to fix
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DOZVON_DEV", "PYTEST_VERSION", "SECRET_KEY"}
    }
    env.update(DEBUG="false", ALLOWED_HOSTS="crm.example.org")
    result = subprocess.run(
        [sys.executable, "-m", "dozvon.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
