"""Loading the yearly statistics behind a share (the registry lists them), with provenance.

`data/statistics/<R>/` holds one file per statistic for reference year R, named after it
(`population.csv` always in SCB's PxWeb format; the others `.csv` or `.xlsx`), or the publisher's
own table that holds it (`kommunmottagna.csv` for N and E, registry.py), and `sources.toml`
saying where each came from and whether it is illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.core.config import described_file
from pipeline.core.errors import InputError
from pipeline.core.files import sha256_file
from pipeline.ingestion.migrationsverket import settlement_statistic
from pipeline.ingestion.readers import read_region_table
from pipeline.ingestion.registry import SETTLEMENT, STATISTICS, Statistic
from pipeline.ingestion.schemas import validate_statistic

# The reader of each publisher's table that holds several statistics (registry.PublishedTable).
TABLE_READERS = {SETTLEMENT.stem: settlement_statistic}


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
    """The one file of a statistic in a reference-year folder (in one of its formats, or the
    publisher's table that holds it)."""
    if not folder.is_dir():
        raise InputError(folder, "no statistics folder for this reference year")
    candidates = candidate_files(_by_name(statistic))
    found = [folder / name for name in candidates if (folder / name).exists()]
    if not found:
        raise InputError(folder / candidates[0], f"the file is missing (expected "
                         f"{' or '.join(candidates)} in {folder})")
    if len(found) > 1:
        raise InputError(folder, "two files for one statistic; keep one",
                         value=", ".join(p.name for p in found))
    return found[0]


def candidate_files(statistic: Statistic) -> list[str]:
    """The names a statistic's file may have in a reference-year folder."""
    names = [f"{statistic.name}{suffix}" for suffix in statistic.suffixes]
    if statistic.table is not None:
        names += [f"{statistic.table.stem}{suffix}" for suffix in (".csv", ".xlsx")]
    return names


def load_statistic(folder: Path, statistic: str, ref_year: int,
                   register: pl.DataFrame) -> LoadedStatistic:
    """Read and validate one statistic of one reference year."""
    path = statistic_file(folder, statistic)
    entry = _by_name(statistic)
    if entry.table is not None and path.stem == entry.table.stem:
        table = TABLE_READERS[entry.table.stem](path, ref_year, register, entry.table_column)
    else:
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
