"""Loading the yearly statistics behind a share (the registry lists them), with provenance.

`data/statistics/<R>/` holds one file per statistic for reference year R, named after it
(`population.csv` always in SCB's PxWeb format; the others `.csv` or `.xlsx`), and `sources.toml`
saying where each came from and whether it is illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.core.config import described_file
from pipeline.core.errors import InputError
from pipeline.core.files import sha256_file
from pipeline.ingestion.readers import read_region_table
from pipeline.ingestion.registry import STATISTICS, Statistic
from pipeline.ingestion.schemas import validate_statistic


@dataclass(frozen=True)
class SourceFile:
    """One input file as a run read it: for the publication's provenance."""

    statistic: str
    path: Path
    sha256: str
    illustrative: bool
    source: str


@dataclass(frozen=True)
class LoadedStatistic:
    file: SourceFile
    values: pl.DataFrame  # municipality_code, <statistic name>; register order


def statistic_file(folder: Path, statistic: str) -> Path:
    """The one file of a statistic in a reference-year folder (in one of its formats)."""
    if not folder.is_dir():
        raise InputError(folder, "no statistics folder for this reference year")
    suffixes = _by_name(statistic).suffixes
    found = [folder / f"{statistic}{s}" for s in suffixes if (folder / f"{statistic}{s}").exists()]
    if not found:
        expected = " or ".join(f"{statistic}{s}" for s in suffixes)
        raise InputError(folder / f"{statistic}{suffixes[0]}",
                         f"the file is missing (expected {expected} in {folder})")
    if len(found) > 1:
        raise InputError(folder, "two files for one statistic; keep one",
                         value=", ".join(p.name for p in found))
    return found[0]


def load_statistic(folder: Path, statistic: str, ref_year: int,
                   register: pl.DataFrame) -> LoadedStatistic:
    """Read and validate one statistic of one reference year."""
    path = statistic_file(folder, statistic)
    table = read_region_table(path, ref_year)
    values = validate_statistic(path, table, register, statistic)
    described = described_file(path)
    file = SourceFile(
        statistic=statistic,
        path=path,
        sha256=sha256_file(path),
        illustrative=described["illustrative"],
        source=described["source"],
    )
    return LoadedStatistic(file, values)


def _by_name(name: str) -> Statistic:
    for statistic in STATISTICS:
        if statistic.name == name:
            return statistic
    raise KeyError(name)
