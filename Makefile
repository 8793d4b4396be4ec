# dozvon — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DOZVON_DEV ?= true

.PHONY: demo test lint format bench setup messages clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	@# browser tests drive Debian's Chromium (never a downloaded browser)
	@[ -x /usr/bin/chromium ] || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null)
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

messages: $(STAMP)
	$(BIN)/dozvon compilemessages --ignore=.venv --ignore=var -v 0

setup: $(STAMP) messages
	@mkdir -p var/static

demo: setup
	$(BIN)/dozvon demo

test: setup
	$(BIN)/pytest -q $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "no tests ran: failing"; exit 1; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python -m bench.ui_timing
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var build *.egg-info
