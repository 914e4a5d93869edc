"""The shipped statistics for every reference year 2015–2024 (share years 2017–2026): complete,
documented, and consistent with SCB's national figures (scripts/build_statistics.py builds them)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from pipeline.core.config import read_sources
from pipeline.ingestion.statistics import load_statistic, statistic_file
from tests.conftest import DATA

YEARS = range(2015, 2025)
STATISTICS = ["population", "newcomers_settled", "minors_received", "asylum_housing_days",
              "minor_arrival_housing_days"]
# E, minors received for settlement: 2018 is Migrationsverket's real "varav ensamk barn" (the
# national Totalt row of data/sources/migrationsverket_kommunmottagna_2018.csv); the other years
# follow SCB's national counts of asylum-seeking unaccompanied children (2023 and 2024 chosen),
# settled 10/45/30/15 % in the year and the three after, scaled so that 2018 gives its real total
# (data/statistics/README.md), rounded to the nearest integer.
ASYLUM_CHILDREN = {2012: 3578, 2013: 3852, 2014: 7049, 2015: 35_369, 2016: 2199, 2017: 1336,
                   2018: 944, 2019: 902, 2020: 500, 2021: 507, 2022: 630, 2023: 560, 2024: 480}
REAL_MINORS_2018 = 6635


def _lagged(year: int) -> Fraction:
    return sum(Fraction(share, 100) * ASYLUM_CHILDREN[year - k]
               for k, share in enumerate((10, 45, 30, 15)))


MINORS = {year: math.floor(REAL_MINORS_2018 * _lagged(year) / _lagged(2018) + Fraction(1, 2))
          for year in YEARS}
# SCB's national population on 31 December (data/sources/national_population_totals.csv).
SCB_POPULATION = {2020: 10_379_295, 2021: 10_452_326}


def _values(register, year: int, statistic: str) -> dict[str, int]:
    loaded = load_statistic(DATA / "statistics" / str(year), statistic, year, register)
    frame = loaded.values
    return dict(zip(frame["municipality_code"].to_list(), frame[statistic].to_list(),
                    strict=True))


@pytest.mark.parametrize("year", sorted(SCB_POPULATION))
def test_real_population_sums_to_scb_national_total(register, year):
    assert sum(_values(register, year, "population").values()) == SCB_POPULATION[year]


# From this reference year on B is computed from the register, and has no file.
REGISTER_SINCE = 2016


@pytest.mark.parametrize("year", YEARS)
def test_every_year_has_its_statistic_files_of_290_rows_named_in_sources_toml(register, year):
    folder = DATA / "statistics" / str(year)
    described = read_sources(folder)
    files = set()
    from_files = [s for s in STATISTICS
                  if s != "minor_arrival_housing_days" or year < REGISTER_SINCE]
    assert not list(folder.glob("minor_arrival_housing_days.*")) or year < REGISTER_SINCE
    for statistic in from_files:
        path = statistic_file(folder, statistic)
        files.add(path.name)
        assert len(_values(register, year, statistic)) == 290, path
    assert set(described) == files
    for name, entry in described.items():
        assert entry["source"].strip(), name
        assert isinstance(entry["illustrative"], bool), name


@pytest.mark.parametrize("year", YEARS)
def test_minors_received_total_the_documented_national_count(register, year):
    assert sum(_values(register, year, "minors_received").values()) == MINORS[year]


def test_population_2022_and_2023_lie_between_2021_and_2024(register):
    before = _values(register, 2021, "population")
    after = _values(register, 2024, "population")
    for year in (2022, 2023):
        values = _values(register, year, "population")
        for code, value in values.items():
            low, high = sorted((before[code], after[code]))
            assert low <= value <= high, (year, code)
        assert read_sources(DATA / "statistics" / str(year))["population.csv"]["illustrative"]


def test_the_minors_spread_persists_from_year_to_year(register):
    """Per capita, each year's minors received resemble the year before's (the real 2018
    pattern carried through every year). Two independent spreads would correlate near 0; the
    bound leaves room for the rounding of small totals (685 children in 2021)."""
    def per_capita(year: int) -> np.ndarray:
        minors, people = _values(register, year, "minors_received"), _values(
            register, year, "population")
        return np.array([minors[code] / people[code] for code in sorted(minors)])

    for year in YEARS[1:]:
        assert np.corrcoef(per_capita(year - 1), per_capita(year))[0, 1] > 0.6, year
