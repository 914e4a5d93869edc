# Two entry points for a fresh machine: `make run` and `make test`.
# PYTHON: as given, else the newest of python3.13, python3.12, python3.11 on PATH that starts
# (a pyenv shim without a selected version is on PATH but does not start, and is skipped).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11; do \
	$$p -c pass >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV ?= .venv
BIN := $(VENV)/bin
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: setup run test test-fast lint mutation bench ui clean

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
# every test that starts a process (webserver, LibreOffice, poppler, Chromium).
test-fast: setup
	$(BIN)/ruff check .
	HYPOTHESIS_PROFILE=dev $(BIN)/pytest -m "not slow"

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
	$(BIN)/python -c "from cli.runner import prepare_instance; prepare_instance()"
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

clean:
	rm -rf out .warehouse
