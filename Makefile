# Oversight: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      ?= .venv
PY        := $(VENV)/bin/python
OVERSIGHT := $(VENV)/bin/oversight
# pyenv reads .python-version (3.12) inside the checkout; elsewhere set PYTHON=python3.12.
PYTHON    ?= python3
PG_URL    ?= postgres://postgres@127.0.0.1:5432/oversight_ci
HOST      ?= 127.0.0.1:8000
SEED      ?= 1

.PHONY: help venv install migrate demo run test test-sqlite test-postgres check-python clean bench soak

help:
	@echo "make run    set up everything, load the demo service and serve it at http://$(HOST)"
	@echo "make test   run the whole test suite on SQLite and on PostgreSQL"
	@echo "make bench  load service, region and national data sets into PostgreSQL and measure (SCALES=...)"
	@echo "make soak   mixed load on gunicorn for SOAK_SECONDS (default 180): errors must be 0, memory flat (SOAK_MAX_GROWTH)"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
	  echo "Oversight needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install Python 3.12 (e.g. 'pyenv install 3.12' - the checkout's .python-version selects it -"; \
	  echo "or your system's python3.12 package) and run again, or name it: make run PYTHON=python3.12"; \
	  exit 1; }

$(VENV)/.installed: pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --editable '.[test]'
	@touch $@

venv install: $(VENV)/.installed

migrate: install
	$(OVERSIGHT) migrate --no-input -v 0

# A demo database that holds records written in Oversight since the demo was loaded is kept as it is
# (`oversight demo` refuses, with status 2, to load over them), and `make run` serves it.
demo: migrate
	@$(OVERSIGHT) demo --seed $(SEED) || { status=$$?; [ $$status -eq 2 ] || exit $$status; \
	  echo "make: serving the demo database as it is; the sign-ins are the ones printed when it was loaded"; \
	  echo "      (password 'oversight-demo'; two-factor codes: $(OVERSIGHT) demo_code USERNAME)."; }

run: demo
	@echo "Serving Oversight at http://$(HOST)  (Ctrl+C to stop)"
	$(OVERSIGHT) runserver --insecure $(HOST)

test: install
	@bash scripts/ensure-postgres.sh
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install
	@echo "== Test suite on SQLite =="
	env -u DATABASE_URL $(PY) -m pytest -q -p no:cacheprovider

test-postgres: install
	@echo "== Test suite on PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -q -p no:cacheprovider

# Benchmarks (not part of `make test`): each scale is generated and loaded into a throw-away
# PostgreSQL database, measured, and the table printed; figures in benchmarks/results/. About 25 minutes on a quiet 2-core machine.
SCALES    ?= service region national
bench: install
	@bash scripts/ensure-postgres.sh
	$(PY) -m pip install --quiet --editable '.[test,bench]'
	$(PY) benchmarks/run.py --scales "$(SCALES)" $(BENCH_ARGS)

# Soak (not part of `make test`): the demo service in a throw-away PostgreSQL database (created and
# dropped; SOAK_DATABASE_URL=sqlite for a scratch SQLite file), gunicorn on loopback, six people
# reading and writing for SOAK_SECONDS; fails on any error and on memory growing after the warm-up faster
# than SOAK_MAX_GROWTH MiB a minute (default 2) while adding more than 10%. Figures in docs/operations.md.
SOAK_SECONDS      ?= 180
SOAK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/oversight_soak
SOAK_MAX_GROWTH   ?= 2
soak: install
	@bash scripts/ensure-postgres.sh
	@$(PY) -c 'import gunicorn' 2>/dev/null || $(PY) -m pip install --quiet --editable '.[test,bench]'
	$(PY) benchmarks/soak.py --seconds $(SOAK_SECONDS) --database $(SOAK_DATABASE_URL) --max-growth $(SOAK_MAX_GROWTH) $(SOAK_ARGS)

clean:
	rm -rf $(VENV) var build *.egg-info
