"""Build data/statistics/<R>/ for the shipped reference years from data/sources/.

Real data is converted into the publishers' formats; what is not available as real data is
generated, seeded and labelled illustrative in the folder's sources.toml.

    .venv/bin/python scripts/build_statistics.py        # rewrites data/statistics/2016 and 2024

Real:
- population (both years): SCB figures from data/sources/population_2010_2019_2024.csv, written as
  a PxWeb export (2016 as ISO-8859-1, comma-delimited, like SCB's older exports; 2024 as UTF-8 with
  BOM, semicolon-delimited, with a title line and space-grouped figures, like today's exports).
- newcomers settled 2016: Migrationsverket, data/sources/newcomers_settled_2015_2016.csv, written as
  an Excel workbook with a header row (Migrationsverket publishes workbooks).

Illustrative (seed 20261127, numpy default_rng):
- newcomers settled 2024, minors received, asylum seekers' housing days, minors' arrival housing
  days. Each national total is a plausible figure (below); it is spread over the municipalities in
  proportion to population × a log-normal factor (σ = 0.6). Asylum housing days go 70 % to twelve
  municipalities with large reception centres, several of them small; arrival housing days go 60 %
  to the big cities and the southern ports where children first report. Totals are exact
  (largest remainder).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
REGISTER = ROOT / "data" / "reference" / "municipalities.csv"
SEED = 20261127

# Plausible national totals (illustrative). Minors received follow SCB's national counts of
# unaccompanied asylum-seeking children for the year; housing days follow the order of magnitude of
# the agency's reception system (2016: ~150 000 enrolled, 2024: ~17 000 on average).
TOTALS = {
    2016: {"minors_received": 2199, "asylum_housing_days": 52_000_000,
           "minor_arrival_housing_days": 8_500_000},
    2024: {"newcomers_settled": 11_200, "minors_received": 480,
           "asylum_housing_days": 6_200_000, "minor_arrival_housing_days": 110_000},
}
# Municipalities with large reception centres (several small ones) and arrival municipalities.
RECEPTION_CENTRES = ["2582", "2080", "0882", "1384", "1880", "2181", "2480", "0680", "1281",
                     "0381", "1781", "2262"]
ARRIVAL = ["0180", "1480", "1280", "1287", "1283", "0580", "1481", "0380"]


def main() -> None:
    register = _read_csv(REGISTER)
    codes = [row["municipality_code"] for row in register]
    names = {row["municipality_code"]: row["municipality_name"] for row in register}
    population = _population(codes)
    rng = np.random.default_rng(SEED)
    for year in (2016, 2024):
        folder = ROOT / "data" / "statistics" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.*"):
            if stale.suffix in {".csv", ".xlsx"}:
                stale.unlink()
        pop = population[year]
        _write_pxweb(folder / "population.csv", year, codes, names, pop,
                     latin1=(year == 2016))
        if year == 2016:
            _write_xlsx(folder / "newcomers_settled.xlsx", year, codes, names,
                        _newcomers_2016(codes), "Kommunmottagna 2016")
        else:
            values = _spread(rng, pop, TOTALS[year]["newcomers_settled"])
            _write_xlsx(folder / "newcomers_settled.xlsx", year, codes, names, values,
                        "Kommunmottagna 2024")
        minors = _spread(rng, pop, TOTALS[year]["minors_received"])
        _write_code_csv(folder / "minors_received.csv", year, codes, names, minors)
        asylum = _concentrated(rng, codes, pop, TOTALS[year]["asylum_housing_days"],
                               RECEPTION_CENTRES, 0.70)
        _write_xlsx(folder / "asylum_housing_days.xlsx", year, codes, names, asylum,
                    f"Boendedygn {year}")
        arrival = _concentrated(rng, codes, pop, TOTALS[year]["minor_arrival_housing_days"],
                                ARRIVAL, 0.60)
        _write_code_csv(folder / "minor_arrival_housing_days.csv", year, codes, names, arrival)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _population(codes: list[str]) -> dict[int, np.ndarray]:
    rows = _read_csv(SOURCES / "population_2010_2019_2024.csv")
    result = {}
    for year in (2016, 2024):
        by_code = {r["municipality_code"]: int(r["population_dec31"])
                   for r in rows if int(r["year"]) == year}
        result[year] = np.array([by_code[c] for c in codes], dtype=np.int64)
    return result


def _newcomers_2016(codes: list[str]) -> np.ndarray:
    rows = _read_csv(SOURCES / "newcomers_settled_2015_2016.csv")
    by_code = {r["municipality_code"]: int(r["newcomers_settled"])
               for r in rows if r["year"] == "2016"}
    return np.array([by_code[c] for c in codes], dtype=np.int64)


def _spread(rng: np.random.Generator, population: np.ndarray, total: int) -> np.ndarray:
    weights = population * rng.lognormal(0.0, 0.6, size=population.size)
    return _exact(weights, total)


def _concentrated(rng: np.random.Generator, codes: list[str], population: np.ndarray,
                  total: int, hubs: list[str], hub_fraction: float) -> np.ndarray:
    weights = population * rng.lognormal(0.0, 0.6, size=population.size)
    weights = weights / weights.sum() * (1 - hub_fraction)
    hub_index = [codes.index(code) for code in hubs]
    hub_weights = rng.uniform(0.5, 1.5, size=len(hubs))
    weights[hub_index] += hub_weights / hub_weights.sum() * hub_fraction
    return _exact(weights, total)


def _exact(weights: np.ndarray, total: int) -> np.ndarray:
    raw = weights / weights.sum() * total
    values = np.floor(raw).astype(np.int64)
    remaining = total - int(values.sum())
    values[np.argsort(-(raw - values), kind="stable")[:remaining]] += 1
    return values


def _write_pxweb(path: Path, year: int, codes: list[str], names: dict[str, str],
                 values: np.ndarray, latin1: bool) -> None:
    if latin1:
        lines = [f'"region","{year}"']
        lines += [f'"{c} {names[c]}",{v}' for c, v in zip(codes, values, strict=True)]
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("iso-8859-1"))
        return
    lines = ['"Folkmängd efter region och år"', "",
             f'"region";"Folkmängd {year}"']
    lines += [f'"{c} {names[c]}";"{_grouped(v)}"' for c, v in zip(codes, values, strict=True)]
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8"))


def _grouped(value: int) -> str:
    return f"{int(value):,}".replace(",", " ")


def _write_code_csv(path: Path, year: int, codes: list[str], names: dict[str, str],
                    values: np.ndarray) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Kommunkod", "Kommun", str(year)])
        writer.writerows([c, names[c], int(v)] for c, v in zip(codes, values, strict=True))


def _write_xlsx(path: Path, year: int, codes: list[str], names: dict[str, str],
                values: np.ndarray, value_header: str) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(year)
    sheet.append(["Kommunkod", "Kommun", value_header])
    for code, value in zip(codes, values, strict=True):
        sheet.append([code, names[code], int(value)])
    workbook.save(path)


if __name__ == "__main__":
    main()
