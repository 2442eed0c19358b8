# Two commands for a fresh clone: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test install messages lint browser

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed: make PYTHON=python3.12 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

# Translations are compiled from locale/*.po by GNU gettext's msgfmt.
messages: install
	@command -v msgfmt >/dev/null || { \
		echo "Installing gettext (msgfmt)"; \
		apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }
	$(PY) manage.py compilemessages --ignore=$(VENV) -v0

run: messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_reference
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ with a task worker and the scheduler; Ctrl-C stops all three."
	@trap 'kill 0' INT TERM EXIT; \
		PORT=$(PORT) $(PY) manage.py db_worker & \
		PORT=$(PORT) $(PY) manage.py run_scheduler & \
		PORT=$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The browser journeys (tests/e2e) drive Debian's Chromium, never a downloaded browser, and
# check each page with axe-core, pinned in tests/e2e/package-lock.json.
test: messages
	@test -x /usr/bin/chromium || { \
		echo "Installing Chromium for the browser journeys"; \
		apt-get update -qq && apt-get install -y chromium; }
	@test -d tests/e2e/node_modules || npm ci --prefix tests/e2e --no-audit --no-fund
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
