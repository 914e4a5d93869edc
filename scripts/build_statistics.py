"""Build data/statistics/<R>/ for every reference year 2015–2024 (share years 2017–2026).

    .venv/bin/python scripts/build_statistics.py     # rewrites data/statistics/2015 … 2024

Deterministic: a re-run leaves every file byte-identical. Real data is converted from
data/sources/ into the publishers' formats; everything else is generated (seed 20261127) and
marked `illustrative = true` in the folder's sources.toml, which this script also writes.

Real
- population 2015–2021 and 2024: SCB, data/sources/population_2010_2019_2024.csv and
  population_2020_2021.csv, written as a PxWeb CSV export: up to 2019 in SCB's older format
  (ISO-8859-1, comma-delimited, plain figures), from 2020 in today's (UTF-8 with BOM,
  semicolon-delimited, a title line, space-grouped figures).
- newcomers settled 2015 and 2016: Migrationsverket, data/sources/newcomers_settled_2015_2016.csv,
  written as a workbook with a header row.
- newcomers settled and minors received 2018: Migrationsverket's own export of persons received
  for settlement (data/sources/migrationsverket_kommunmottagna_2018.csv), copied byte for byte as
  kommunmottagna.csv: N is its `Totalt`, E the `Totalt` of its "varav ensamk barn" (44 216 and
  6 635 in all).

Illustrative
- population 2022 and 2023: per municipality, linear between 31 December 2021 and 2024,
  P(2021) + (P(2024) − P(2021)) · k / 3 for k = 1, 2, rounded to the nearest integer (a third is
  never exactly a half, so there are no ties). National sums 10 497 461 and 10 542 575 (SCB's real
  totals, not used: 10 521 556 and 10 551 707).
- the national totals below, spread over the 290 municipalities in proportion to
  population × a per-capita factor per municipality; for the housing days a fixed share goes to a
  fixed set of hubs first (asylum days: 70 % to the twelve RECEPTION_CENTRES, several of them small
  municipalities; arrival days: 60 % to the eight ARRIVAL cities where children first report:
  Stockholm, Göteborg, Malmö, Trelleborg, Helsingborg, Linköping, Mölndal, Uppsala). Totals are
  exact (largest remainder).
- arrival housing days (B) only for 2015: from reference year 2016 on B is computed from the
  register (data/ledger/, MODEL.md "The case register"), and no file of it is written.

  The spread persists from year to year. The factors (log-normal, σ = 0.6) and hub weights
  (uniform 0.5–1.5) are drawn once for 2016 and once for 2024, in the order of the earlier build,
  so both years are exactly what they were. A year between takes the straight line between the
  anchors either side (each normalised), times a mild seeded perturbation per municipality and
  hub (log-normal, σ = 0.1, its own stream per year); 2015 takes 2016's draw with the same
  perturbation. Newcomers settled 2017–2023 run in the same way from the real 2016 pattern
  (per-capita rate) to the 2024 draw. Minors received take the real 2018 pattern (its per-capita
  rate) in every year, with the year's perturbation: the municipalities that received many
  children in 2018 receive many in every year.

National totals (R = reference year; share year R + 2):

    R     minors received   asylum housing days   arrival housing days   newcomers settled
    2015   8 369            36 500 000            8 336 573              51 197 (real)
    2016  18 756            52 000 000            (the register)         68 761 (real)
    2017  12 742            39 861 339            (the register)         47 000
    2018   6 635 (real)     30 556 276            (the register)         44 216 (real)
    2019   1 241            23 423 348            (the register)         21 000
    2020     936            17 955 501            (the register)         14 000
    2021     685            13 764 044            (the register)         12 500
    2022     574            10 551 024            (the register)         12 000
    2023     564             8 088 037            (the register)         11 500
    2024     563             6 200 000            (the register)         11 200

- minors received (E, Migrationsverket's "varav ensamkommande barn" of persons received for
  settlement): real in 2018 (6 635). The other years follow the children who sought asylum
  (SCB's national counts n(R) of unaccompanied asylum-seeking children, COUNTS; 2023 and 2024
  chosen) through the time a child waits for a residence permit and a municipality:
  E(R) = s · (0.10·n(R) + 0.45·n(R−1) + 0.30·n(R−2) + 0.15·n(R−3)), most children settled a year
  or two after they sought asylum, and s = 6 635 / 6 660.65 = 0.9961 so that the formula gives
  2018's real total exactly. So the wave of 2015 (35 369 children) is settled mostly in 2016 and
  2017, and E falls to the hundreds once the later, smaller cohorts are all that is left.
  Rounded to the nearest integer.
- the 2015 arrival-days formula below uses SCB's counts of 2013 (3 852) and 2014 (7 049); the
  minors' formula also 2012's 3 578.
- arrival housing days 2015 (children in the reception system by arrival municipality) =
  D · (½·n(R) + g·n(R−1) + g²·n(R−2)) with g = 0.56: half a year for a child arriving in R, a
  fraction g of the previous year's arrivals and g² of the year before's still there (children
  age out after that); D = 365 days.
- asylum housing days count all asylum seekers, of whom unaccompanied minors were 22 % in 2015
  and about 5 % from 2017, so they fall more slowly than the minors' count: a geometric path
  from 2016's 52 000 000 (about 142 000 enrolled on average) to 2024's 6 200 000 (about 17 000),
  −23 % a year; 2015: 36 500 000 (about 100 000 on average as the system filled in the autumn).
- newcomers settled 2017–2023: chosen, falling from 2016's real 68 761 to the earlier build's
  11 200 for 2024.

Workbooks are written with fixed timestamps; an existing workbook whose sheet already holds
exactly the generated cells is left as it is (openpyxl stamps the time of writing into a workbook,
so the shipped 2016 and 2024 workbooks keep their bytes).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
from openpyxl import Workbook, load_workbook

from pipeline.ingestion.migrationsverket import settlement_statistic
from pipeline.ingestion.register import load_register

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
STATISTICS = ROOT / "data" / "statistics"
REGISTER = ROOT / "data" / "reference" / "municipalities.csv"
SEED = 20261127
YEARS = range(2015, 2025)
ANCHORS = (2016, 2024)  # the years drawn from the seed; the others follow from them
SCRIPT = "scripts/build_statistics.py"

# SCB's national counts of asylum-seeking unaccompanied children, which the minors received and
# the 2015 arrival days follow (docstring). 2023 and 2024 are chosen, not published counts.
COUNTS = {2012: 3578, 2013: 3852, 2014: 7049, 2015: 35_369, 2016: 2199, 2017: 1336, 2018: 944,
          2019: 902, 2020: 500, 2021: 507, 2022: 630, 2023: 560, 2024: 480}
# The share of a year's asylum-seeking children settled in that year and in each of the next three.
SETTLEMENT_LAGS = (0.10, 0.45, 0.30, 0.15)
# Newcomers settled: real for 2015, 2016 and 2018 (data/sources), chosen for the other years.
NEWCOMERS = {2017: 47_000, 2019: 21_000, 2020: 14_000, 2021: 12_500,
             2022: 12_000, 2023: 11_500, 2024: 11_200}
# Housing-day totals of the earlier build, kept; the other years are derived (docstring).
ASYLUM_DAYS = {2015: 36_500_000, 2016: 52_000_000, 2024: 6_200_000}
# B is read from a file before this reference year and computed from the register from it on.
REGISTER_SINCE = 2016
STILL_THERE = 0.56  # g of the 2015 arrival-days formula

# Municipalities with large reception centres (several small ones) and arrival municipalities.
RECEPTION_CENTRES = ["2582", "2080", "0882", "1384", "1880", "2181", "2480", "0680", "1281",
                     "0381", "1781", "2262"]
ARRIVAL = ["0180", "1480", "1280", "1287", "1283", "0580", "1481", "0380"]
HUBS = {"asylum_housing_days": (RECEPTION_CENTRES, 0.70),
        "minor_arrival_housing_days": (ARRIVAL, 0.60)}
GENERATED = ["newcomers_settled", "minors_received", "asylum_housing_days",
             "minor_arrival_housing_days"]
# Migrationsverket's settlement statistic as the agency exported it: N and E of these years.
SETTLEMENT_FILE = "kommunmottagna.csv"
REAL_SETTLEMENT = {2018: "migrationsverket_kommunmottagna_2018.csv"}
SETTLEMENT_STATISTICS = ("newcomers_settled", "minors_received")
REAL_MINORS = {2018: 6635}  # the export's national Totalt of "varav ensamk barn"
FILE_NAMES = {"population": "population.csv", "newcomers_settled": "newcomers_settled.xlsx",
              "minors_received": "minors_received.csv",
              "asylum_housing_days": "asylum_housing_days.xlsx",
              "minor_arrival_housing_days": "minor_arrival_housing_days.csv"}
SHEET_HEADERS = {"newcomers_settled": "Kommunmottagna", "asylum_housing_days": "Boendedygn"}
WORKBOOK_TIME = datetime(2026, 11, 27)


def main() -> None:
    register = _read_csv(REGISTER)
    codes = [row["municipality_code"] for row in register]
    names = {row["municipality_code"]: row["municipality_name"] for row in register}
    population = _population(codes)
    newcomers = _real_newcomers(codes)
    anchors = _anchor_draws(codes, population, newcomers, _real_minors(codes))
    for year in YEARS:
        folder = STATISTICS / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        files = file_names(year)
        for stale in folder.glob("*.*"):
            if stale.suffix in {".csv", ".xlsx"} and stale.name not in files.values():
                stale.unlink()
        if year in REAL_SETTLEMENT:
            (folder / SETTLEMENT_FILE).write_bytes((SOURCES / REAL_SETTLEMENT[year]).read_bytes())
        pop = population[year]
        _write_pxweb(folder / "population.csv", year, codes, names, pop,
                     illustrative=year in (2022, 2023))
        # The statistics this script writes a file of: not those of the agency's own export,
        # not B where the register yields it.
        written = [s for s in GENERATED if files.get(s) not in (None, SETTLEMENT_FILE)]
        values = {}
        if year in newcomers:
            values["newcomers_settled"] = newcomers[year]
        for statistic in written:
            if statistic not in values:
                factors, hub_weights = _profile(anchors, statistic, year)
                values[statistic] = _spread(codes, pop, factors, hub_weights, statistic,
                                            totals(year)[statistic])
        for statistic in written:
            path = folder / files[statistic]
            if path.suffix == ".xlsx":
                _write_xlsx(path, year, codes, names, values[statistic],
                            f"{SHEET_HEADERS[statistic]} {year}")
            else:
                _write_code_csv(path, year, codes, names, values[statistic])
        _write_sources(folder / "sources.toml", year)


def file_names(year: int) -> dict[str, str]:
    """The file each statistic of a reference year is read from (none for B from 2016 on)."""
    names = {statistic: name for statistic, name in FILE_NAMES.items()
             if statistic != "minor_arrival_housing_days" or year < REGISTER_SINCE}
    if year not in REAL_SETTLEMENT:
        return names
    return {statistic: SETTLEMENT_FILE if statistic in SETTLEMENT_STATISTICS else name
            for statistic, name in names.items()}


def totals(year: int) -> dict[str, int]:
    """The national totals of the generated statistics for one reference year."""
    if year in ASYLUM_DAYS:
        asylum = ASYLUM_DAYS[year]
    else:
        rate = (ASYLUM_DAYS[2024] / ASYLUM_DAYS[2016]) ** (1 / 8)
        asylum = round(ASYLUM_DAYS[2016] * rate ** (year - 2016))
    result = {"minors_received": minors_settled(year), "asylum_housing_days": asylum}
    if year < REGISTER_SINCE:
        result["minor_arrival_housing_days"] = arrival_days_before_register(year)
    if year in NEWCOMERS:
        result["newcomers_settled"] = NEWCOMERS[year]
    return result


def minors_settled(year: int) -> int:
    """E(R) = s · Σ_k SETTLEMENT_LAGS[k] · n(R − k), s calibrated on 2018's real total."""
    def lagged(reference: int) -> float:
        return sum(w * COUNTS[reference - k] for k, w in enumerate(SETTLEMENT_LAGS))

    real = next(iter(REAL_SETTLEMENT))
    return round(REAL_MINORS[real] / lagged(real) * lagged(year))


def arrival_days_before_register(year: int) -> int:
    """D · (½·n(R) + g·n(R−1) + g²·n(R−2))."""
    days = 366 if year % 4 == 0 else 365
    g = STILL_THERE
    return round(days * (COUNTS[year] / 2 + g * COUNTS[year - 1] + g * g * COUNTS[year - 2]))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _population(codes: list[str]) -> dict[int, np.ndarray]:
    rows = (_read_csv(SOURCES / "population_2010_2019_2024.csv")
            + _read_csv(SOURCES / "population_2020_2021.csv"))
    by_year: dict[int, dict[str, int]] = {}
    for row in rows:
        by_year.setdefault(int(row["year"]), {})[row["municipality_code"]] = int(
            row["population_dec31"])
    result = {year: np.array([by_year[year][c] for c in codes], dtype=np.int64)
              for year in YEARS if year in by_year}
    # 2022 and 2023 are not available: linear between 2021 and 2024, rounded to the nearest
    # integer (numerators are whole, a third is never exactly a half).
    start, end = result[2021], result[2024]
    for k, year in ((1, 2022), (2, 2023)):
        result[year] = start + (2 * (end - start) * k + 3) // 6
    return result


def _real_minors(codes: list[str]) -> dict[int, np.ndarray]:
    """E of the years with the agency's own export, read by the pipeline's reader."""
    register = load_register(REGISTER)
    result = {}
    for year, name in REAL_SETTLEMENT.items():
        table = settlement_statistic(SOURCES / name, year, register, "Totalt, varav ensamk barn")
        by_code = {row.municipality_code: row.value for row in table.rows}
        result[year] = np.array([by_code[c] for c in codes], dtype=np.int64)
        if int(result[year].sum()) != REAL_MINORS[year]:
            raise SystemExit(f"{name}: E totals {result[year].sum()}, not {REAL_MINORS[year]}")
    return result


def _real_newcomers(codes: list[str]) -> dict[int, np.ndarray]:
    rows = _read_csv(SOURCES / "newcomers_settled_2015_2016.csv")
    result = {}
    for year in (2015, 2016):
        by_code = {r["municipality_code"]: int(r["newcomers_settled"])
                   for r in rows if int(r["year"]) == year}
        result[year] = np.array([by_code[c] for c in codes], dtype=np.int64)
    return result


def _anchor_draws(codes: list[str], population: dict[int, np.ndarray],
                  newcomers: dict[int, np.ndarray], minors: dict[int, np.ndarray]) -> dict:
    """(factors, hub weights) per (statistic, anchor year), drawn in the earlier build's order."""
    rng = np.random.default_rng(SEED)
    n = len(codes)
    anchors = {}
    # 2016's newcomers are real: their per-capita rate is the 2016 end of the newcomers' line.
    # The minors' real per-capita rate of 2018 is their one anchor.
    anchors["newcomers_settled", 2016] = (newcomers[2016] / population[2016], None)
    for year, values in minors.items():
        anchors["minors_received", year] = (values / population[year], None)
    for year in ANCHORS:
        if year == 2024:
            anchors["newcomers_settled", year] = (rng.lognormal(0.0, 0.6, size=n), None)
        # The minors' draw of the earlier build: their spread is now the real 2018 pattern, but
        # the draw stays so that every later draw is what it was.
        rng.lognormal(0.0, 0.6, size=n)
        for statistic, (hubs, _) in HUBS.items():
            factors = rng.lognormal(0.0, 0.6, size=n)
            anchors[statistic, year] = (factors, rng.uniform(0.5, 1.5, size=len(hubs)))
    return anchors


def _profile(anchors: dict, statistic: str, year: int) -> tuple[np.ndarray, np.ndarray | None]:
    """The factors and hub weights of a statistic in a year: the anchor itself in an anchor year,
    else the straight line between the anchors either side (before the first: the first) times a
    mild perturbation of the year."""
    years = sorted(y for s, y in anchors if s == statistic)
    if year in years:
        return anchors[statistic, year]
    before = max((y for y in years if y < year), default=years[0])
    after = min((y for y in years if y > year), default=years[-1])
    t = (year - before) / (after - before) if after != before else 0.0
    (fb, hb), (fa, ha) = anchors[statistic, before], anchors[statistic, after]
    factors = (1 - t) * fb / fb.mean() + t * fa / fa.mean()
    rng = np.random.default_rng([SEED, year, GENERATED.index(statistic)])
    factors = factors * rng.lognormal(0.0, 0.1, size=factors.size)
    if hb is None:
        return factors, None
    hub_weights = (1 - t) * hb / hb.sum() + t * ha / ha.sum()
    return factors, hub_weights * rng.lognormal(0.0, 0.1, size=hub_weights.size)


def _spread(codes: list[str], population: np.ndarray, factors: np.ndarray,
            hub_weights: np.ndarray | None, statistic: str, total: int) -> np.ndarray:
    weights = population * factors
    if hub_weights is not None:
        hubs, hub_fraction = HUBS[statistic]
        weights = weights / weights.sum() * (1 - hub_fraction)
        hub_index = [codes.index(code) for code in hubs]
        weights[hub_index] += hub_weights / hub_weights.sum() * hub_fraction
    return _exact(weights, total)


def _exact(weights: np.ndarray, total: int) -> np.ndarray:
    raw = weights / weights.sum() * total
    values = np.floor(raw).astype(np.int64)
    remaining = total - int(values.sum())
    values[np.argsort(-(raw - values), kind="stable")[:remaining]] += 1
    return values


def _write_pxweb(path: Path, year: int, codes: list[str], names: dict[str, str],
                 values: np.ndarray, illustrative: bool) -> None:
    if year <= 2019:  # SCB's older export: ISO-8859-1, comma-delimited
        lines = [f'"region","{year}"']
        lines += [f'"{c} {names[c]}",{v}' for c, v in zip(codes, values, strict=True)]
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("iso-8859-1"))
        return
    title = "Folkmängd efter region och år"
    if illustrative:
        title += " (illustrativ: linjär mellan 2021 och 2024)"
    lines = [f'"{title}"', "", f'"region";"Folkmängd {year}"']
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
    rows = [("Kommunkod", "Kommun", value_header)]
    rows += [(code, names[code], int(value)) for code, value in zip(codes, values, strict=True)]
    if path.exists() and _sheet_rows(path) == (str(year), rows):
        return  # same cells: keep the file's bytes (and its original timestamps)
    workbook = Workbook()
    workbook.properties.created = workbook.properties.modified = WORKBOOK_TIME
    sheet = workbook.active
    sheet.title = str(year)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(_fixed_zip_times(buffer.getvalue()))


def _sheet_rows(path: Path) -> tuple[str, list[tuple]]:
    workbook = load_workbook(path, read_only=True)
    try:
        sheet = workbook.worksheets[0]
        return sheet.title, [tuple(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _fixed_zip_times(data: bytes) -> bytes:
    """The same archive with every member dated 1980-01-01 and the workbook's `modified` property
    fixed (zip and openpyxl both store the time of writing)."""
    stamp = WORKBOOK_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, content)
            target.writestr(member, content)
    return output.getvalue()


def _write_sources(path: Path, year: int) -> None:
    lines = [f"# Where each file of reference year {year} (share year {year + 2}) comes from.",
             "# `illustrative = true` marks generated values: every output built on them says so.",
             ""]
    written = set()
    for statistic, file_name in file_names(year).items():
        if file_name in written:
            continue
        written.add(file_name)
        source, illustrative = _source_text(statistic, year)
        lines += [f'["{file_name}"]', f'source = "{source}"',
                  f"illustrative = {'true' if illustrative else 'false'}", ""]
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")


def _source_text(statistic: str, year: int) -> tuple[str, bool]:
    generated = f"Illustrative: generated by {SCRIPT} (seed {SEED})"
    if statistic == "population":
        if year in (2022, 2023):
            return (f"{generated}: linear per municipality between SCB's folkmängd 31 december "
                    f"2021 and 2024, rounded to the nearest integer (SCB's real figures for "
                    f"{year} are not in data/sources)", True)
        origin = {2020: "malmogram/malmogram@a10ed309", 2021: "mattiasnordin/Regression@9f8e7e31",
                  2024: "via Kolada N01951, ordnaswe/val26@c968600e"}.get(
                      year, "odectra/popu-sweden@f8515537")
        style = ("SCB's older PxWeb CSV export format (ISO-8859-1)" if year <= 2019
                 else "PxWeb CSV export format")
        return (f"SCB, folkmängd 31 december {year} ({origin}), written in {style} "
                f"by {SCRIPT}", False)
    if statistic in SETTLEMENT_STATISTICS and year in REAL_SETTLEMENT:
        return (f"Migrationsverket, kommunmottagna enligt ersättningsförordningen {year}, the "
                f"agency's own export byte for byte (VLLindqvist/infovislabb@cfe39ab6, "
                f"data/sources/{REAL_SETTLEMENT[year]}): newcomers settled = Totalt, minors "
                f"received = its 'varav ensamk barn'", False)
    if statistic == "newcomers_settled" and year in (2015, 2016):
        return (f"Migrationsverket, kommunmottagna {year} "
                f"(jensfinnas/dagenssamhalle-notebooks@63e05129), written as a workbook by "
                f"{SCRIPT}", False)
    total = _grouped(totals(year)[statistic])
    if statistic == "minors_received":
        return (f"{generated}, national total {total} (SCB's counts of asylum-seeking "
                "unaccompanied children settled over four years, 10/45/30/15 %, scaled to "
                "Migrationsverket's real total of 2018)"), True
    unit = " days" if statistic.endswith("_days") else ""
    return f"{generated}, national total {total}{unit}", True


if __name__ == "__main__":
    main()
