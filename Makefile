# Two entry points for a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
YEARS ?= 2018 2026
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: setup run test lint bench ui clean

$(BIN)/anvisning: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

setup: $(BIN)/anvisning

run: setup
	@for year in $(YEARS); do $(BIN)/anvisning run --year $$year || exit 1; done

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .

ui: setup
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

clean:
	rm -rf out .warehouse
