# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8050
export HOST PORT

.PHONY: run test install db chromium redis wrk node lint typecheck contracts pytest bench clean initial-migration

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

db: install
	$(PY) -m data_pipeline init-db
	$(PY) -m data_pipeline demo --if-empty --out demo_data

run: db
	$(VENV)/bin/gunicorn app:server --bind $(HOST):$(PORT) --workers 2 --threads 4 \
	  --no-control-socket

# Chromium for the browser tests comes from Debian; Playwright's own download is not used.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

# A throw-away Redis for the cache tests, and wrk for the serving benchmark, also from Debian.
redis:
	@command -v redis-server >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server; }

wrk:
	@command -v wrk >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

contracts: install
	$(VENV)/bin/lint-imports

pytest: install chromium redis
	tests/with_postgres.sh $(PY) -m pytest

test: lint typecheck contracts pytest

# npm for Lighthouse, which benchmarks/lighthouse.py installs into its work folder.
node:
	@command -v npm >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm; }

bench: install wrk chromium node
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) observatory.db* demo_data test-artifacts

# Until the first release there is one migration; after a schema change, regenerate it.
initial-migration: install
	rm -f warehouse/migrations/versions/0001_initial_schema.py
	tmp=$$(mktemp -d) && DATABASE_URL=sqlite:///$$tmp/m.db $(VENV)/bin/alembic revision \
	  --autogenerate --rev-id 0001 -m "initial schema" >/dev/null && rm -rf $$tmp
