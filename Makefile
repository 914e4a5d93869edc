# Two entry points for a fresh machine: `make run` and `make test`.
# PYTHON: as given, else the newest of python3.13, python3.12, python3.11 on PATH that starts
# (a pyenv shim without a selected version is on PATH but does not start, and is skipped).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11; do \
	$$p -c pass >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV ?= .venv
BIN := $(VENV)/bin
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: setup run test test-fast test-postgres lint mutation bench ui serve clean

$(BIN)/anvisning: pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "no python3.13, python3.12 or python3.11 starts; set PYTHON=" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

setup: $(BIN)/anvisning

# The whole history: share years 2017-2026 in order, in one process (scripts/build_history.py),
# then the public statistics site.
run: setup
	$(BIN)/python scripts/build_history.py
	$(BIN)/anvisning site

# Everything: the unit tests and the integration tests (marked slow), Hypothesis profile ci.
test: setup
	$(BIN)/ruff check .
	HYPOTHESIS_PROFILE=ci $(BIN)/pytest

# The loop while developing, under a minute: the unit tests only, profile dev. Left out, as slow:
# Dagster materialisations, the CLI end to end, whole-site builds, the whole-ledger replay and
# every test that starts a process (webserver, LibreOffice, poppler, Chromium). On two workers
# (pytest-xdist), the machine's two cores: 1 800 tests on one core passed the minute.
test-fast: setup
	$(BIN)/ruff check .
	HYPOTHESIS_PROFILE=dev $(BIN)/pytest -m "not slow" -n 2

lint: setup
	$(BIN)/ruff check .

# Mutation testing of the rule modules (mutmut), outside `make test`: each module's rule
# functions mutated one change at a time against that module's fast tests
# (scripts/mutation.py; MODULE=pipeline/model/shares.py for one). Fails while a mutant survives.
mutation: setup
	$(BIN)/python scripts/mutation.py $(MODULE)

# The instance's storage is set up first, under the lock CLI runs take, so the UI and a CLI run
# can start in any order on a fresh DAGSTER_HOME.
ui: setup
	$(BIN)/anvisning instance
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# The server profile (README.md, "Running it for a team"): the instance in PostgreSQL, with
# deploy/dagster.yaml copied into SERVER_HOME and its connection read from DAGSTER_PG_*; the
# daemon and the webserver as two processes, stopped together. A service manager runs the same
# two commands (deploy/*.service).
SERVER_HOME ?= $(CURDIR)/.dagster_server
SERVE_HOST ?= 127.0.0.1
SERVE_PORT ?= 3000
serve: export DAGSTER_HOME := $(SERVER_HOME)
serve: setup
	mkdir -p $(SERVER_HOME)
	cp deploy/dagster.yaml $(SERVER_HOME)/dagster.yaml
	$(BIN)/anvisning instance
	$(BIN)/dagster-daemon run -w workspace.yaml & daemon=$$!; \
	trap 'kill $$daemon 2>/dev/null; wait $$daemon' EXIT; \
	$(BIN)/dagster-webserver -w workspace.yaml -h $(SERVE_HOST) -p $(SERVE_PORT)

# The server profile's tests on a throwaway PostgreSQL (Debian's postgresql package); part of
# `make test`, skipped with one line where PostgreSQL is not installed.
test-postgres: setup
	HYPOTHESIS_PROFILE=ci $(BIN)/pytest -m postgres

clean:
	rm -rf out .warehouse
