"""The change from the previous share year (pipeline.model.change), against hand-computed values:
the draft and the final shares against last year's published table, what it carries for an
explanation of the change, other decimals, and the summaries that read it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl

from pipeline.model.change import ShareYear, share_change
from pipeline.model.parameters import load_parameters
from pipeline.model.review import county_totals, largest_changes

PARAMETERS = load_parameters(Path(__file__).resolve().parents[2] / "data" / "parameters.toml",
                             2026)
LAST_YEAR = dataclasses.replace(PARAMETERS, name="last year", reception_adjustment=0.25)

REGISTER = pl.DataFrame({
    "municipality_code": ["0114", "0115", "0305", "0319"],
    "municipality_name": ["Upplands Väsby", "Vallentuna", "Håbo", "Älvkarleby"],
    "county_code": ["01", "01", "03", "03"],
    "county_name": ["Stockholms län", "Stockholms län", "Uppsala län", "Uppsala län"],
})
INPUTS = {"population": [100, 200, 300, 400], "newcomers_settled": [1, 2, 3, 4],
          "minors_received": [0, 1, 0, 1], "asylum_housing_days": [10, 20, 30, 40],
          "minor_arrival_housing_days": [5, 6, 7, 8]}

# Share year 2025 as published, without 0319: 0115 gave 0,50 ‰ to 0114.
PUBLISHED = REGISTER.head(3).with_columns(
    calculated_units=pl.Series([40_000, 35_000, 25_000]),
    share_units=pl.Series([40_050, 34_950, 25_000]))
PUBLISHED_INPUTS = pl.DataFrame({"municipality_code": ["0114", "0115", "0305"],
                                 **{name: values[:3] for name, values in INPUTS.items()}})
# Share year 2026: the draft, and the final shares after 0319 gives 10,00 ‰ to 0305.
DRAFT = REGISTER.with_columns(**{name: pl.Series(values) for name, values in INPUTS.items()},
                              share_units=pl.Series([39_000, 36_000, 20_000, 5_000]))
FINAL = REGISTER.with_columns(calculated_units=DRAFT["share_units"],
                              share_units=pl.Series([39_000, 36_000, 21_000, 4_000]))


def previous(parameters=LAST_YEAR, published=PUBLISHED) -> ShareYear:
    return ShareYear.decided(2025, parameters, published, PUBLISHED_INPUTS)


def column(change, name: str) -> list:
    return change.table[name].to_list()


def test_the_draft_against_last_years_published_final_shares():
    change = share_change(ShareYear.drafted(2026, PARAMETERS, DRAFT), previous())
    assert column(change, "municipality_code") == ["0114", "0115", "0305", "0319"]
    assert column(change, "share_units") == [39_000, 36_000, 20_000, 5_000]
    assert column(change, "previous_units") == [40_050, 34_950, 25_000, None]
    assert column(change, "change_units") == [-1_050, 1_050, -5_000, None]
    assert column(change, "redistributed_units") == [None] * 4
    assert change.compared_year == 2025


def test_the_final_shares_against_last_year_and_against_the_draft():
    change = share_change(ShareYear.decided(2026, PARAMETERS, FINAL, DRAFT), previous())
    assert column(change, "share_units") == [39_000, 36_000, 21_000, 4_000]
    assert column(change, "change_units") == [-1_050, 1_050, -4_000, None]
    assert column(change, "calculated_units") == [39_000, 36_000, 20_000, 5_000]
    assert column(change, "redistributed_units") == [0, 0, 1_000, -1_000]


def test_it_carries_what_explaining_the_change_needs_from_both_years():
    change = share_change(ShareYear.decided(2026, PARAMETERS, FINAL, DRAFT), previous())
    assert change.previous.parameters.reception_adjustment == 0.25
    assert change.current.parameters.reception_adjustment == 0.5
    assert change.previous.inputs["asylum_housing_days"].to_list() == [10, 20, 30]
    assert change.current.inputs["minor_arrival_housing_days"].to_list() == [5, 6, 7, 8]
    assert column(change, "previous_calculated_units") == [40_000, 35_000, 25_000, None]
    assert column(change, "previous_units") == [40_050, 34_950, 25_000, None]
    # Last year's redistribution part, (received − given), from what the change holds:
    last = change.previous.shares
    assert (last["final_units"] - last["calculated_units"]).to_list() == [50, -50, 0]


def test_without_a_previous_year_there_is_no_change():
    change = share_change(ShareYear.drafted(2026, PARAMETERS, DRAFT), None)
    assert change.compared_year is None
    assert column(change, "previous_units") == column(change, "change_units") == [None] * 4


def test_a_previous_year_with_other_decimals_is_rescaled_half_up():
    three = dataclasses.replace(LAST_YEAR, decimals=3)
    published = PUBLISHED.with_columns(calculated_units=pl.Series([400_005, 349_994, 250_001]),
                                       share_units=pl.Series([400_505, 349_495, 250_000]))
    change = share_change(ShareYear.drafted(2026, PARAMETERS, DRAFT), previous(three, published))
    assert column(change, "previous_calculated_units") == [40_001, 34_999, 25_000, None]
    assert column(change, "previous_units") == [40_051, 34_950, 25_000, None]
    assert column(change, "change_units") == [-1_051, 1_050, -5_000, None]
    one = dataclasses.replace(LAST_YEAR, decimals=1)
    published = PUBLISHED.with_columns(calculated_units=pl.Series([4_000, 3_500, 2_500]),
                                       share_units=pl.Series([4_005, 3_495, 2_500]))
    change = share_change(ShareYear.drafted(2026, PARAMETERS, DRAFT), previous(one, published))
    assert column(change, "previous_units") == [40_050, 34_950, 25_000, None]


def test_county_totals_sum_the_changes_of_municipalities_with_a_share_last_year():
    change = share_change(ShareYear.decided(2026, PARAMETERS, FINAL, DRAFT), previous())
    totals = county_totals(change.table, 2)
    assert totals.rows() == [("01 Stockholms län", 2, "750,00", "0,00"),
                             ("03 Uppsala län", 2, "250,00", "-40,00")]
    alone = county_totals(share_change(ShareYear.drafted(2026, PARAMETERS, DRAFT), None).table, 2)
    assert alone["Förändring ‰"].to_list() == ["–", "–"]


def test_largest_changes_against_last_year_and_against_the_draft():
    change = share_change(ShareYear.decided(2026, PARAMETERS, FINAL, DRAFT), previous())
    yearly = largest_changes(change.table, 2, "andel 2026", "andel 2025")
    assert yearly["Kommun"].to_list() == ["0305 Håbo", "0114 Upplands Väsby", "0115 Vallentuna",
                                          "0319 Älvkarleby"]
    assert yearly["Förändring ‰"].to_list() == ["-40,00", "-10,50", "+10,50", "–"]
    redistributed = largest_changes(change.table, 2, "slutlig 2026", "utkast 2026",
                                    before="calculated_units", change="redistributed_units")
    assert redistributed.head(2).rows() == [
        ("0305 Håbo", "Uppsala län", "200,00", "210,00", "+10,00"),
        ("0319 Älvkarleby", "Uppsala län", "50,00", "40,00", "-10,00")]
    nothing = largest_changes(share_change(ShareYear.drafted(2026, PARAMETERS, DRAFT),
                                           None).table, 2, "utkast 2026", "andel 2025")
    assert nothing.rows() == [("ingen andel 2025 att jämföra med",)]


def test_a_drafted_year_keeps_its_year_its_inputs_and_whole_number_columns():
    drafted = ShareYear.drafted(2026, PARAMETERS, DRAFT)
    assert drafted.share_year == 2026
    assert drafted.inputs.columns == ["municipality_code", *INPUTS]
    assert drafted.inputs["population"].to_list() == [100, 200, 300, 400]
    change = share_change(drafted, previous())
    assert change.current.share_year == 2026
    assert {name: change.table.schema[name] for name in (
        "calculated_units", "final_units", "share_units", "redistributed_units",
        "previous_calculated_units", "previous_units", "change_units")} == dict.fromkeys(
        ("calculated_units", "final_units", "share_units", "redistributed_units",
         "previous_calculated_units", "previous_units", "change_units"), pl.Int64)
    alone = share_change(drafted, None).table
    assert all(alone.schema[name] == pl.Int64 for name in (
        "final_units", "redistributed_units", "previous_units", "change_units"))


def test_a_previous_year_with_two_more_decimals_is_rescaled_half_up_as_whole_numbers():
    four = dataclasses.replace(LAST_YEAR, decimals=4)
    # 4 000 050 units of 10^-4 ‰ are 400.0050 ‰: 400.01 ‰ half up; 3 499 949: 349.99 ‰
    units = pl.Series([4_000_050, 3_499_949, 2_500_001])
    published = PUBLISHED.with_columns(calculated_units=units, share_units=units)
    change = share_change(ShareYear.drafted(2026, PARAMETERS, DRAFT), previous(four, published))
    assert column(change, "previous_units") == [40_001, 34_999, 25_000, None]
    assert change.table.schema["previous_units"] == pl.Int64
    assert change.table.schema["previous_calculated_units"] == pl.Int64
    alone = share_change(ShareYear.drafted(2026, PARAMETERS, DRAFT), None).table
    assert alone.schema["previous_calculated_units"] == pl.Int64


def test_a_decided_year_without_its_inputs_has_none():
    assert ShareYear.decided(2025, LAST_YEAR, PUBLISHED, None).inputs is None


def test_a_previous_year_not_yet_decided_is_compared_by_its_calculated_shares():
    change = share_change(ShareYear.drafted(2026, PARAMETERS, DRAFT),
                          ShareYear.drafted(2025, LAST_YEAR, DRAFT))
    assert column(change, "previous_units") == [39_000, 36_000, 20_000, 5_000]
    assert column(change, "change_units") == [0, 0, 0, 0]
