"""Text from inputs lands in exports inert: never a formula in Excel, neutralised in CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import polars as pl
from openpyxl import load_workbook

from pipeline.goals.fulfilment import forecast_table, fulfilment_table
from pipeline.goals.ledger import empty_ledger
from pipeline.goals.report import forecast_csv, fulfilment_csv, write_fulfilment_workbook
from pipeline.model.change import ShareYear, share_change
from pipeline.model.draft import comparison_csv, draft_csv
from pipeline.model.parameters import load_parameters

PARAMETERS = load_parameters(Path(__file__).resolve().parents[2] / "data" / "parameters.toml",
                             2026)
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+2", "-3", "@SUM(A1)", "Håbo"]


def _draft() -> pl.DataFrame:
    n = len(HOSTILE)
    return pl.DataFrame({
        "municipality_code": [f"01{i:02d}" for i in range(n)],
        "municipality_name": HOSTILE,
        "county_code": ["01"] * n, "county_name": ["=cmd|' /C calc'!A0"] * n,
        "population": [1] * n, "newcomers_settled": [0] * n, "minors_received": [0] * n,
        "asylum_housing_days": [0] * n, "minor_arrival_housing_days": [0] * n,
        "population_share": [200.0] * n, "reception_share": [200.0] * n,
        "adjusted_share": [200.0] * n, "at_floor": [False] * n,
        "share_units": [20_000] * n,
    })


def _cells(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def _assert_neutralised(rows: list[dict[str, str]], column: str) -> None:
    for row, original in zip(rows, HOSTILE, strict=True):
        expected = original if original == "Håbo" else "'" + original
        assert row[column] == expected


def test_draft_and_comparison_csv_neutralise_formula_text():
    draft = _draft()
    rows = _cells(draft_csv(draft, 2))
    _assert_neutralised(rows, "municipality_name")
    assert all(r["county_name"].startswith("'=") for r in rows)
    last_year = draft.with_columns(calculated_units=pl.col("share_units") + 5,
                                   share_units=pl.col("share_units") + 5)
    change = share_change(ShareYear.drafted(2026, PARAMETERS, draft),
                          ShareYear.decided(2025, PARAMETERS, last_year, None))
    rows = _cells(comparison_csv(change))
    _assert_neutralised(rows, "municipality_name")
    assert {r["change_promille"] for r in rows} == {"-0.05"}  # numbers stay numbers


def test_fulfilment_and_forecast_outputs_are_inert(tmp_path):
    table = fulfilment_table(empty_ledger(), _draft(), date(2026, 1, 1))
    _assert_neutralised(_cells(fulfilment_csv(table, 2)), "municipality_name")
    _assert_neutralised(_cells(forecast_csv(forecast_table(table, 3), 2)), "municipality_name")
    path = tmp_path / "fulfilment.xlsx"
    write_fulfilment_workbook(path, table, date(2026, 1, 1), 2, illustrative=True)
    sheet = load_workbook(path).active
    rows = [row for row in sheet.iter_rows() if str(row[0].value).isdigit()
            and len(str(row[0].value)) == 4]
    names = [row[1] for row in rows]
    assert [c.value for c in names] == HOSTILE
    assert all(c.data_type == "s" for c in names)
