# Thi đua: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
FLASK := $(VENV)/bin/flask --app wsgi
TRANSLATIONS := app/translations
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_PASSWORD ?= ThiDua@2026

.PHONY: run install install-dev translations messages test test-unit test-e2e lint format serve clean-db bench test-sqlmap

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate pyproject.toml
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed translations

install-dev: $(VENV)/.installed-dev translations

# Catalogs are compiled at install; the .mo files are not committed.
translations: $(VENV)/.installed
	@$(VENV)/bin/pybabel compile --statistics -d $(TRANSLATIONS)

# Re-extract the strings and merge them into the catalogs (then translate the new ones);
# the lock keeps two runs, or scripts/po_set.py, from reading a half-written file.
messages: $(VENV)/.installed
	flock /tmp/thidua-i18n.lock sh -c '$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot --no-location --omit-header --sort-output . && $(VENV)/bin/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-wrap --no-fuzzy-matching --ignore-obsolete'

instance/config.py:
	@mkdir -p instance
	@$(PYTHON) -c "import secrets; print('# Written by the first make run; keep it secret.'); print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > $@
	@echo "Wrote a new SECRET_KEY into instance/config.py"

run: install instance/config.py
	$(FLASK) db upgrade
	$(FLASK) seed-if-empty --password '$(DEMO_PASSWORD)'
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production-style server, as deployed: gunicorn on the same app.
serve: install instance/config.py
	$(FLASK) db upgrade
	$(VENV)/bin/gunicorn --no-control-socket -w 2 -b $(HOST):$(PORT) wsgi:app

test: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

# sqlmap (Debian's package) against a running instance, signed in; fails on any finding.
# SQLite by default; SQLMAP_DATABASE_URL=postgresql://... for PostgreSQL (.ci/run does).
test-sqlmap: install
	$(PY) scripts/sqlmap_scan.py $(if $(SQLMAP_DATABASE_URL),--database-url '$(SQLMAP_DATABASE_URL)')

test-unit: install-dev
	$(PY) -m pytest tests/unit tests/integration

test-e2e: install-dev
	$(PY) -m pytest tests/e2e

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The benchmark (README, "Benchmark"): gunicorn, wrk and both databases, about 12 minutes;
# e.g. make bench BENCH_ARGS="--scale province --seconds 5 --databases postgresql".
BENCH_ARGS ?=
bench: install
	$(PY) -m bench $(BENCH_ARGS)

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
