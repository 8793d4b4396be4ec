# dozvon — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROD_STAMP := $(VENV)/.installed-runtime
# Every package pinned, generated from pyproject.toml by `make lock`: requirements/prod.txt
# the runtime, requirements/lock.txt runtime + dev (the same runtime pins), installed here.
LOCK := requirements/lock.txt
PROD_LOCK := requirements/prod.txt
# `make demo PORT=8001 HOST=0.0.0.0` (given on make's command line; an environment PORT or
# HOST is ignored)
HOST := 127.0.0.1
PORT := 8000
export DOZVON_DEV ?= true

.PHONY: demo test lint format bench setup messages makemessages lock clean

# the venv's own pip installs the pinned wheels (no upgrade: a fresh `make demo` is timed)
$(BIN)/python:
	$(PY) -m venv $(VENV)

# The runtime alone (requirements/prod.txt, the same pins as the lock) is what the demo
# needs: no browser, no gettext (the compiled translations are in the repository).
$(PROD_STAMP): $(BIN)/python $(PROD_LOCK) pyproject.toml
	$(BIN)/pip install --quiet -r $(PROD_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $(PROD_STAMP)

# Runtime + dev tools: the test suite, lint, bench, makemessages.
$(STAMP): $(PROD_STAMP) $(LOCK)
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	@# browser tests drive Debian's Chromium (never a downloaded browser)
	@[ -x /usr/bin/chromium ] || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null)
	$(BIN)/pip install --quiet -r $(LOCK)
	@# a dependency added to pyproject.toml but not locked yet fails here
	@$(BIN)/pip check >/dev/null || { $(BIN)/pip check; echo "$(LOCK) does not satisfy pyproject.toml: run make lock"; exit 1; }
	@touch $(STAMP)

# Refresh the lock after changing pyproject.toml's dependencies (keeps every pin that still
# fits); `make lock UPGRADE=1` moves every package to its newest allowed release.
LOCK_VENV := var/lock-venv
LOCK_TOOLS := pip==26.3 pip-tools==7.6.2
$(LOCK_VENV)/bin/pip-compile:
	$(PY) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet $(LOCK_TOOLS)

COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet \
	  --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)
lock: $(LOCK_VENV)/bin/pip-compile
	$(COMPILE) --output-file $(PROD_LOCK) pyproject.toml
	$(COMPILE) --extra dev --constraint $(PROD_LOCK) --output-file $(LOCK) pyproject.toml

messages: $(STAMP)
	$(BIN)/dozvon compilemessages --ignore=.venv --ignore=var -v 0

# from dozvon/: the apps' sources (also extracts the rules' messages), not tests/ or bench/
makemessages: $(STAMP)
	cd dozvon && ../$(BIN)/dozvon makemessages -l ru -l uk -l en

setup: $(STAMP) messages
	@mkdir -p var/static

# The compiled translations (.mo) are committed (a production install has no gettext);
# `make messages` refreshes them after editing a .po file, and a test fails while they
# are stale.
demo: $(PROD_STAMP)
	@mkdir -p var/static
	$(BIN)/dozvon demo $(HOST):$(PORT)

# On SQLite on every core (pytest-xdist; a module stays in one worker, each worker has its
# own test database). On PostgreSQL in one process: the changes feed shows a change once no
# older transaction is open anywhere in the cluster (commit order), and another worker's
# tests keep transactions open in the same cluster. `make test TEST_WORKERS=N` to choose.
TEST_WORKERS ?= $(if $(findstring postgres,$(DATABASE_URL)),0,auto)
test: setup
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "no tests ran: failing"; exit 1; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python -m bench.ui_timing
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var build *.egg-info
