# supportsite: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := run
.PHONY: run test test-fast test-postgres prod-check lint bench messages compile-messages migrate system-libs browser checks

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEPS_STAMP := $(VENV)/.deps-installed
TEST_STAMP := $(VENV)/.test-deps-installed
IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)
# The database URL of the cluster pg_virtualenv makes (it exports PGHOST, PGUSER, PGPASSWORD…).
PG_URL := DATABASE_URL="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$${PGPORT:-5432}/postgres"
# A throwaway cluster in a temporary directory (-t), even as root, on a port free at the time:
# a run that was killed leaves neither a "regress" cluster nor a server on 5432 that would stop
# the next run ("Cluster 15/regress exists, refusing to overwrite").
FREE_PORT = $$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PG_ENV = pg_virtualenv -t -c "-p $(FREE_PORT)"

# Debian packages the app needs at run time: WeasyPrint's Pango/HarfBuzz, fonts for PDFs,
# gettext to compile the translations, and Tesseract with its French and English models for
# the worker's OCR of screenshots (tesserocr's wheel carries the engine; the models come from here).
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
	tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng
# What the tests need besides: the system Chromium, pdftotext and qpdf to check the PDFs,
# unzip to open the packages as a recipient would, PostgreSQL (with pg_virtualenv, from
# postgresql-common) for the second run of the suite on a real database server, and Redis
# for the tests of the production services (tests/production: the RQ workers, the cache).
TEST_DEBS := chromium poppler-utils qpdf unzip postgresql redis-server

define apt_install
	missing=""; for pkg in $(1); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$(IS_ROOT)" = yes ] && command -v apt-get >/dev/null; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Missing system packages:$$missing"; \
	    echo "Install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi
endef

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalled only when pyproject.toml changes.
$(DEPS_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(DEPS_STAMP)
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

system-libs:
	@$(call apt_install,$(RUN_DEBS))

browser:
	@$(call apt_install,$(TEST_DEBS))

compile-messages: $(DEPS_STAMP) system-libs
	$(BIN)/python manage.py compilemessages --ignore ".venv" --verbosity 0

migrate: $(DEPS_STAMP)
	$(BIN)/python manage.py migrate --noinput --verbosity 0

# The task worker (dossier exports, image derivatives, integrity checks, and the tidying of ended
# sessions, drafts and abandoned exports) runs beside the web server and stops with it; a loop
# starts it again whenever it exits (killed, crashed), so that no task waits for nobody.
run: $(DEPS_STAMP) system-libs compile-messages migrate
	( trap 'kill $$worker 2>/dev/null; exit 0' INT TERM; \
	  while :; do \
	    $(BIN)/python manage.py worker --interval 1 & worker=$$!; wait $$worker; \
	    echo "The task worker stopped (exit $$?): starting it again." >&2; sleep 1; \
	  done ) & supervisor=$$!; \
	trap 'kill $$supervisor 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Style, formatting and the types of the domain (the files listed in pyproject's [tool.mypy]).
lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

checks: $(TEST_STAMP) compile-messages
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/python manage.py guidance check

# The whole suite on SQLite (the embedded default), then everything but the browser tests on
# PostgreSQL, in a throwaway cluster that pg_virtualenv creates and drops around the run.
test: $(TEST_STAMP) system-libs browser lint checks
	$(BIN)/pytest
	$(MAKE) --no-print-directory test-postgres

test-postgres: $(TEST_STAMP)
	$(PG_ENV) sh -c '$(PG_URL) $(BIN)/pytest -m "not e2e" -p no:cacheprovider'

# The production path on this machine (not part of `make test`: it takes a minute): PostgreSQL
# in a throwaway cluster, `check --deploy`, gunicorn with PRODUCTION=1 over TLS and the task
# worker, then a person's journey over HTTPS down to a verified package (README, Production).
prod-check: $(TEST_STAMP) system-libs browser compile-messages
	$(PG_ENV) sh -c '$(PG_URL) $(BIN)/python -m tests.production.prod_check'

# The edit-test loop: everything but the browser tests (`make test` still runs them all).
test-fast: $(TEST_STAMP) system-libs lint checks
	$(BIN)/pytest -m "not e2e"

# Every benchmark on SQLite, then the dossier page again on PostgreSQL (a throwaway cluster).
bench: $(TEST_STAMP) system-libs browser compile-messages
	$(BIN)/python -m bench
	$(PG_ENV) sh -c '$(PG_URL) $(BIN)/python -m bench dossier_page:dossier_page_postgresql'

# For developers: extract new strings, then translate them in locale/fr. English msgids are
# the English text: the English catalog is made afresh from them by msgen.
messages: $(DEPS_STAMP)
	rm -f locale/en/LC_MESSAGES/django.po
	$(BIN)/python manage.py makemessages -l fr -l en --no-obsolete --ignore "tests/*" --ignore "var/*" --ignore "bench/*"
	msgen -o locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
