"""Where the review round stands, county by county: sent, returned, valid, with errors or missing
after the deadline, from the forms in the folder, validated by the December round's rules; and the
asset that shows it in the UI."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipeline.core.layout import Layout
from pipeline.redistribution.round_status import (
    MISSING,
    NOT_SENT,
    RETURNED,
    SENT,
    VALID,
    WITH_ERRORS,
    county_status,
    round_status,
)
from tests.conftest import DATA
from tests.redistribution_forms.form_data import DECIMALS, FILLED_ROWS, YEAR, filled_review_workbook

BEFORE_DEADLINE, AFTER_DEADLINE = date(2025, 11, 20), date(2025, 12, 6)  # data/review.toml: 12-05
ACROSS_COUNTIES = [["0114", "0305", 0.5, date(2025, 12, 5), "Lst AB 1"]]  # Håbo: Uppsala


@pytest.mark.parametrize(("sent", "returned", "problems", "past", "expected"), [
    (False, False, None, False, NOT_SENT),
    (True, False, None, False, SENT),
    (True, False, None, True, MISSING),
    (False, False, None, True, MISSING),
    (True, True, None, False, RETURNED),
    (True, True, [], True, VALID),
    (True, True, ["rad 5: fel"], False, WITH_ERRORS),
    (False, True, [], False, VALID),
])
def test_a_county_status_follows_what_came_back_and_the_deadline(sent, returned, problems, past,
                                                                  expected):
    assert county_status(sent, returned, problems, past) == expected


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    """A data folder with the round's settings (data/review.toml) and an output folder."""
    layout = Layout(tmp_path / "data", tmp_path / "out")
    layout.data_dir.mkdir()
    shutil.copy(DATA / "review.toml", layout.review_round)
    return layout


def returned(layout: Layout, draft: pl.DataFrame) -> None:
    """A valid form from Västra Götaland, a form with a mistake from Stockholm, a PDF, and the
    review workbook of Uppsala written (sent)."""
    folder = layout.returned_forms(YEAR)
    filled_review_workbook(folder, draft, FILLED_ROWS, county="14", name="vg.xlsx")
    filled_review_workbook(folder, draft, ACROSS_COUNTIES, county="01", name="sthlm.xlsx")
    (folder / "följebrev.pdf").write_bytes(b"%PDF-1.4")
    uppsala = layout.review_workbook(YEAR, "03", "Uppsala län")
    uppsala.parent.mkdir(parents=True)
    uppsala.write_bytes(b"a workbook")


def by_county(status) -> dict[str, str]:
    return {county.county_code: county.status for county in status.counties}


def test_valid_forms_forms_with_errors_and_sent_workbooks_before_the_deadline(layout, draft,
                                                                               register):
    returned(layout, draft)
    status = round_status(layout, YEAR, register, draft, DECIMALS, BEFORE_DEADLINE)
    states = by_county(status)
    assert len(states) == 21 and status.validated
    assert (states["14"], states["01"], states["03"]) == (VALID, WITH_ERRORS, SENT)
    assert {states[c] for c in states if c not in ("14", "01", "03")} == {NOT_SENT}
    stockholm = next(c for c in status.counties if c.county_code == "01")
    assert stockholm.files == ("sthlm.xlsx",)
    assert len(stockholm.problems) == 1 and "olika län" in stockholm.problems[0]
    assert status.deadline == date(2025, 12, 5)
    assert [line.split(":")[0] for line in status.not_read] == ["följebrev.pdf"]


def test_after_the_deadline_a_county_without_a_form_is_missing(layout, draft, register):
    returned(layout, draft)
    states = by_county(round_status(layout, YEAR, register, draft, DECIMALS, AFTER_DEADLINE))
    assert (states["14"], states["01"], states["03"], states["25"]) == (
        VALID, WITH_ERRORS, MISSING, MISSING)
    assert list(states.values()).count(MISSING) == 19


def test_without_a_draft_returned_forms_are_returned_but_not_validated(layout, draft, register):
    returned(layout, draft)
    status = round_status(layout, YEAR, register, None, DECIMALS, BEFORE_DEADLINE)
    assert not status.validated
    assert (by_county(status)["14"], by_county(status)["01"]) == (RETURNED, RETURNED)
    assert all(not county.problems for county in status.counties)


@pytest.mark.slow
def test_the_asset_shows_each_county_status_in_its_metadata(data_dir, tmp_path, draft):
    """The real 2026 draft in a temporary warehouse, two returned forms: the UI's metadata names
    the valid county, the county with errors and its problem, and the deadline."""
    from assets.definitions import defs
    from assets.defs.resources import RunSettings, WarehouseResource

    def materialise(selection: set[str]) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            [a for a in defs.assets if {k.to_user_string() for k in a.keys} & selection],
            partition_key=str(YEAR), instance=dg.DagsterInstance.ephemeral(),
            resources={"settings": RunSettings(data_dir=str(data_dir),
                                               out_dir=str(tmp_path / "out")),
                       "warehouse": WarehouseResource(database=str(tmp_path / "w.duckdb"))})

    assert materialise({"population", "share_basis", "draft_shares"}).success
    folder = data_dir / "redistributions" / str(YEAR)
    filled_review_workbook(folder, draft, [["1499", "1496", 0.01, date(2025, 12, 5), "Lst 1"]],
                           county="14", name="vg.xlsx")
    filled_review_workbook(folder, draft, ACROSS_COUNTIES, county="01", name="sthlm.xlsx")
    result = materialise({"review_round_status"})
    metadata = result.asset_materializations_for_node("review_round_status")[0].metadata
    table = metadata["county_status"].value
    assert "| 14 Västra Götalands län | giltig | vg.xlsx | 0 |" in table
    assert "| 01 Stockholms län | med fel | sthlm.xlsx | 1 |" in table
    assert "olika län" in metadata["problems"].value
    assert (metadata["valid"].value, metadata["with_errors"].value) == (1, 1)
    assert metadata["deadline"].value == "2025-12-05"
