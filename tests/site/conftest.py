"""The statistics website built once per session from `anvisning run` for 2018 and 2026 on a copy
of the shipped data (as `make run` does), dated 27 November 2026."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import DATA, environment

AS_OF = date(2026, 11, 27)
YEARS = (2018, 2026)


@dataclass(frozen=True)
class Built:
    data: Path
    out: Path
    index: Path

    @property
    def site(self) -> Path:
        return self.index.parent


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> tuple[Path, Path]:
    """The data copy and an out folder with share years 2018 and 2026 published."""
    from cli.main import main

    root = tmp_path_factory.mktemp("site_published")
    data, out, home = root / "data", root / "out", root / "dagster_home"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("sources"))
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    with environment(DAGSTER_HOME=str(home), ANVISNING_WAREHOUSE=str(root / "warehouse.duckdb")):
        for year in YEARS:
            code = main(["run", "--year", str(year), "--data-dir", str(data),
                         "--out-dir", str(out)])
            assert code == 0, f"anvisning run --year {year} failed"
    return data, out


@pytest.fixture(scope="session")
def built(published) -> Built:
    from pipeline.site import build_site_from_folders

    data, out = published
    return Built(data, out, build_site_from_folders(data, out, AS_OF))


@pytest.fixture(scope="session")
def inputs(published):
    from pipeline.site import collect_inputs

    data, out = published
    return collect_inputs(data, out, AS_OF)
