"""Which share years the data folder can compute, and which the out folder has published: a year
folder is named by four ASCII digits (a name in other digits is not that year)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.core.errors import AnvisningError
from pipeline.core.layout import Layout
from pipeline.ingestion.available import (
    check_share_year,
    latest_share_year,
    share_years_with_data,
)
from pipeline.publication.store import published_years

DATA = Path(__file__).resolve().parents[2] / "data"


def layout_with(tmp_path: Path, *folders: str) -> Layout:
    data = tmp_path / "data"
    (data / "statistics").mkdir(parents=True)
    shutil.copy(DATA / "parameters.toml", data / "parameters.toml")
    for name in folders:
        (data / "statistics" / name).mkdir()
    return Layout(data_dir=data, out_dir=tmp_path / "out")


def test_a_share_year_is_its_reference_year_plus_the_offset(tmp_path):
    # reference_year_offset = 2 in data/parameters.toml; full-width and Arabic-Indic digits,
    # three digits, letters and a file are no reference year
    layout = layout_with(tmp_path, "2017", "2018", "2019", "２０２０", "\u0662\u0660\u0662\u0661",
                         "201", "abcd")
    (layout.statistics_root / "2022").write_text("", encoding="utf-8")
    assert share_years_with_data(layout) == [2019, 2020, 2021]
    assert latest_share_year(layout) == 2021
    check_share_year(layout, 2020)


def test_a_share_years_own_offset_decides_its_reference_year(tmp_path):
    # share year 2023 takes its statistics from three years before (an override): 2020, which
    # is also 2022's by the default offset of 2; the folder is listed once, as 2020 + 2
    layout = layout_with(tmp_path, "2020")
    with layout.parameters.open("a", encoding="utf-8") as handle:
        handle.write("\n[years.2023]\nreference_year_offset = 3\n")
    check_share_year(layout, 2023)
    check_share_year(layout, 2022)
    assert share_years_with_data(layout) == [2022]
    # when 2022 takes three years too, 2020's folder is 2023's
    with layout.parameters.open("a", encoding="utf-8") as handle:
        handle.write("\n[years.2022]\nreference_year_offset = 3\n")
    assert share_years_with_data(layout) == [2023]
    with pytest.raises(AnvisningError):
        check_share_year(layout, 2022)


def test_a_share_year_without_statistics_is_refused_naming_those_with(tmp_path):
    layout = layout_with(tmp_path, "2018", "2019", "2022")
    with pytest.raises(AnvisningError) as raised:
        check_share_year(layout, 2023)
    assert str(raised.value) == (
        f"--year 2023: no statistics for its reference year 2021 in {layout.statistics_root}; "
        "share years with data: 2020–2021, 2024")


def test_no_statistics_at_all_is_refused(tmp_path):
    layout = layout_with(tmp_path, "２０１８")
    assert share_years_with_data(layout) == []
    with pytest.raises(AnvisningError) as raised:
        latest_share_year(layout)
    assert str(raised.value) == (f"{layout.statistics_root}: no statistics for any year; add a "
                                 "folder data/statistics/<reference year>/ (see its README)")
    with pytest.raises(AnvisningError) as raised:
        check_share_year(layout, 2020)
    assert str(raised.value).endswith("share years with data: none")


def test_published_years_are_folders_of_four_ascii_digits_holding_a_manifest(tmp_path):
    for name, year in (("2025", 2025), ("2026", 2026), ("２０２７", 2027)):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"publication_{year}.json").write_text("{}", encoding="utf-8")
    (tmp_path / "2028").mkdir()  # no manifest: not published
    assert published_years(tmp_path) == [2025, 2026]
    assert published_years(tmp_path / "absent") == []
