"""The published share tables: every `O/<Y>/shares_<Y>.csv` with its `publication_<Y>.json`,
checked against its manifest and the register, and the share year the site shows."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl

from pipeline.core.errors import InputError
from pipeline.presentation.terms import LEDGER
from pipeline.site.documents import iso_date, published_manifest
from pipeline.site.inputs import Publication
from pipeline.site.upstream import (
    STATISTICS,
    parse_change_csv,
    published_paths,
    read_published_final,
)

_YEAR_DIR = re.compile(r"^\d{4}$")
EXPECTED = "expected_children"

# Swedish names of the inputs a publication manifest lists, for the illustrative mark: the
# registry's headings, and the parameter file.
INPUT_NAMES = {**{s.name: s.swedish.lower() for s in STATISTICS}, "parameters": "parametrar",
               "ledger": LEDGER}


def read_publications(out_dir: Path, codes: set[str]) -> dict[int, Publication]:
    """Every share year published under `out_dir` (`<Y>/publication_<Y>.json`), by year."""
    found: dict[int, Publication] = {}
    if not out_dir.is_dir():
        raise InputError(out_dir, "the out folder is missing; run `anvisning run --year Y` first")
    for folder in sorted(out_dir.iterdir()):
        if not (_YEAR_DIR.fullmatch(folder.name) and folder.is_dir()):
            continue
        year = int(folder.name)
        paths = published_paths(folder, year)
        if not paths["manifest"].is_file():
            continue
        found[year] = _publication(folder, year, paths, codes)
    if not found:
        raise InputError(out_dir, "no published share table (out/<Y>/publication_<Y>.json); "
                         "run `anvisning run --year Y` first")
    return found


def _publication(folder: Path, year: int, paths: dict[str, Path], codes: set[str]) -> Publication:
    manifest = published_manifest(paths["manifest"])
    decimals, version = manifest["decimals"], manifest["version"]
    final = read_published_final(folder, year)
    if final is None:
        raise InputError(paths["csv"], "the published share table is missing or no longer "
                         "matches its manifest (SHA-256)")
    if set(final["municipality_code"]) != codes:
        raise InputError(paths["csv"], "the published table does not list exactly the "
                         "register's municipalities")
    columns = {c: dict(zip(final["municipality_code"], final[c], strict=True))
               for c in ("share_units", "calculated_units", "given_units", "received_units")}
    changes = parse_change_csv(paths["csv"].read_bytes(), decimals)
    compared_with = manifest.get("compared_with")
    illustrative = tuple(
        INPUT_NAMES.get(item.get("name", ""), _agreement_name(item.get("name", "")))
        for item in manifest.get("inputs", []) if item.get("illustrative"))
    planning = manifest.get("planning_children")
    return Publication(
        year=year, version=version, decision_date=iso_date(manifest.get("decision_date")),
        decimals=decimals,
        parameter_set=str(manifest.get("parameter_set", "")), illustrative_inputs=illustrative,
        shares=columns["share_units"], calculated=columns["calculated_units"],
        given=columns["given_units"], received=columns["received_units"],
        expected=_expected(paths["csv"]),
        planning_children=planning if isinstance(planning, int) else None,
        planning_scenario=scenario if isinstance(scenario := manifest.get("planning_scenario"),
                                                  str) else None,
        compared_with=int(compared_with) if compared_with is not None else None,
        changes={row.pop("municipality_code"): row for row in changes.iter_rows(named=True)},
    )


def _expected(csv_path: Path) -> dict[str, int] | None:
    """The published CSV's `expected_children` by code, or None where the table does not state
    them (a table published before the column existed, or without a planning figure). The file
    was checked against its manifest by `read_published_final`."""
    frame = pl.read_csv(csv_path, infer_schema=False)
    if EXPECTED not in frame.columns:
        return None
    expected = {}
    for line, (code, text) in enumerate(frame.select("municipality_code", EXPECTED).iter_rows(),
                                        start=2):
        if text is None or text == "":
            return None
        if not (text.isascii() and text.isdigit()):
            raise InputError(csv_path, "expected children are whole numbers ≥ 0", line=line,
                             column=EXPECTED, value=text)
        expected[code] = int(text)
    return expected


def _agreement_name(name: str) -> str:
    return "omfördelningar" if name.startswith("redistributions") else name


def shown_year_of(publications: dict[int, Publication], as_of: date,
                  out_dir: Path) -> int:
    """The share year in force on `as_of`: that year's table; a site dated in a year without a
    published table cannot state goal fulfilment (it is counted against that year's shares)."""
    if as_of.year not in publications:
        raise InputError(out_dir / str(as_of.year), f"no published share table for {as_of.year}, "
                         "the year of the site's date: goal fulfilment is counted against the "
                         f"shares of that year (published: {', '.join(map(str, publications))})")
    return as_of.year

