"""Which file of a reference-year folder holds a statistic (pipeline/ingestion/statistics.py):
its own file in one of its publisher's formats, or the publisher's table that holds it, never
two of them."""

from __future__ import annotations

import pytest

from pipeline.core.errors import InputError
from pipeline.ingestion.registry import STATISTICS
from pipeline.ingestion.statistics import candidate_files, statistic_file

BY_NAME = {s.name: s for s in STATISTICS}


@pytest.mark.parametrize(("statistic", "names"), [
    ("population", ["population.csv"]),
    ("asylum_housing_days", ["asylum_housing_days.csv", "asylum_housing_days.xlsx"]),
    ("minors_received", ["minors_received.csv", "minors_received.xlsx", "kommunmottagna.csv",
                         "kommunmottagna.xlsx"]),
])
def test_the_names_a_statistic_may_have(statistic, names):
    assert candidate_files(BY_NAME[statistic]) == names


@pytest.mark.parametrize("name", ["newcomers_settled.xlsx", "kommunmottagna.csv",
                                  "kommunmottagna.xlsx"])
def test_the_one_file_present_is_the_statistics(tmp_path, name):
    (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "population.csv").write_text("x", encoding="utf-8")
    assert statistic_file(tmp_path, "newcomers_settled") == tmp_path / name


def test_a_missing_file_is_named_with_every_name_it_may_have(tmp_path):
    with pytest.raises(InputError) as raised:
        statistic_file(tmp_path, "newcomers_settled")
    assert raised.value.file == str(tmp_path / "newcomers_settled.csv")
    assert raised.value.rule == (
        "the file is missing (expected newcomers_settled.csv or newcomers_settled.xlsx or "
        f"kommunmottagna.csv or kommunmottagna.xlsx in {tmp_path})")


def test_two_files_for_one_statistic_are_refused_naming_both(tmp_path):
    (tmp_path / "asylum_housing_days.csv").write_text("x", encoding="utf-8")
    (tmp_path / "asylum_housing_days.xlsx").write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        statistic_file(tmp_path, "asylum_housing_days")
    assert (raised.value.file, raised.value.value, raised.value.rule) == (
        str(tmp_path), "asylum_housing_days.csv, asylum_housing_days.xlsx",
        "two files for one statistic; keep one")


def test_a_missing_year_folder_is_named(tmp_path):
    with pytest.raises(InputError) as raised:
        statistic_file(tmp_path / "2031", "population")
    assert (raised.value.file, raised.value.rule) == (
        str(tmp_path / "2031"), "no statistics folder for this reference year")
