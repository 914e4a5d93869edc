"""Shared fixtures: the repository's shipped data, copied, and an isolated Dagster instance and
warehouse per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, Phase, settings

# Hypothesis profiles, chosen by HYPOTHESIS_PROFILE: "dev" (default, `make test-fast`) tries few
# examples; "ci" (`make test`, CI) tries many; "mutation" (`make mutation`) is dev without
# shrinking and without the example database: a mutant only needs one failing example, and
# shrinking it, run after run, costs more than the tests themselves.
settings.register_profile("dev", max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("mutation", settings.get_profile("dev"), database=None,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate])
settings.register_profile("ci", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


# Fixtures that run the pipeline end to end: `published` (tests/site/conftest.py) runs
# `anvisning run` for two share years, and `built` and `inputs` stand on it.
END_TO_END_FIXTURES = {"published"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow, besides the tests marked so where they are: everything under tests/e2e (it starts
    processes or runs the CLI end to end) and every test that uses an end-to-end fixture."""
    for item in items:
        if ("e2e" in Path(str(item.fspath)).parts
                or END_TO_END_FIXTURES & set(getattr(item, "fixturenames", ()))):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def register() -> pl.DataFrame:
    from pipeline.ingestion.register import load_register

    return load_register(DATA / "reference" / "municipalities.csv")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped data folder, safe to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("sources"))
    return target


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Dagster home and a DuckDB warehouse of the test's own; returns the out folder."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("ANVISNING_WAREHOUSE", str(tmp_path / "warehouse" / "test.duckdb"))
    return tmp_path / "out"


@contextmanager
def environment(**variables: str) -> Iterator[None]:
    """Set environment variables for a block (module fixtures cannot use monkeypatch)."""
    saved = {key: os.environ.get(key) for key in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
