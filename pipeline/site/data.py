"""Everything the statistics website shows, collected from the data and out folders.

This is the site's only module that imports the rest of `pipeline` (the register, the ledger,
the published share tables, the agreements and the goal-fulfilment model), so that a
restructuring of `pipeline/` touches one file here. The result, `SiteInputs`, holds plain Python
values; the rest of `pipeline.site` renders it and computes nothing from the model.

Inputs, relative to the data folder `D` and the out folder `O`:

* `D/reference/municipalities.csv` — the register (290 municipalities, 21 counties);
* `D/reference/municipalities_2pct.geojson` — the boundaries for the map;
* `D/ledger/assignments.csv` (+ `sources.toml`) — every assignment since 2016-01-01;
* `D/redistributions/<Y>.csv`, `D/redistributions/<Y>/*.xlsx` — the agreements of the shown year,
  checked against what was published;
* `D/prognosis.toml` — the national prognosis scenarios (optional; see `load_prognosis`);
* `O/<Y>/shares_<Y>.csv` and `O/<Y>/publication_<Y>.json` — every published share year.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path

import polars as pl

from pipeline.core.config import described_file
from pipeline.core.errors import AnvisningError, InputError
from pipeline.core.files import parse_toml
from pipeline.core.layout import Layout
from pipeline.goals.fulfilment import forecast_table, fulfilment_table
from pipeline.goals.ledger import CONNECTION, EQUALISING, FIRST_DATE, read_ledger
from pipeline.ingestion.register import Municipality, load_register
from pipeline.ingestion.registry import STATISTICS
from pipeline.publication.store import published_paths, read_published_final
from pipeline.redistribution.december_round import collect_agreements
from pipeline.site.queue import queue_places

GEOJSON = Path("reference") / "municipalities_2pct.geojson"
REGISTER = Path("reference") / "municipalities.csv"
LEDGER = Path("ledger") / "assignments.csv"
PROGNOSIS = Path("prognosis.toml")
SCENARIOS = ("low", "base", "high")
MAX_GEOJSON_BYTES = 20 * 1024 * 1024
_YEAR_DIR = re.compile(r"^\d{4}$")

# Swedish names of the inputs a publication manifest lists, for the illustrative mark: the
# registry's headings, and the parameter file.
INPUT_NAMES = {**{s.name: s.swedish.lower() for s in STATISTICS}, "parameters": "parametrar"}


@dataclass(frozen=True)
class Publication:
    """One published share year: its version, decision and the final table (units)."""

    year: int
    version: int
    decision_date: str
    published_at: str
    decimals: int
    parameter_set: str
    illustrative_inputs: tuple[str, ...]
    shares: dict[str, int]
    calculated: dict[str, int]
    given: dict[str, int]
    received: dict[str, int]

    @property
    def illustrative(self) -> bool:
        return bool(self.illustrative_inputs)


@dataclass(frozen=True)
class Status:
    """A municipality on the site's date against the shown year's shares."""

    share_units: int
    assigned: int
    target: float
    fulfilment_pct: float | None
    queue_place: int | None


@dataclass(frozen=True)
class YearEnd:
    """Goal fulfilment on one date (31 December of a published year, or the site's date)."""

    when: date
    share_year: int
    total: int
    assigned: dict[str, int]
    fulfilment_pct: dict[str, float | None]


@dataclass(frozen=True)
class Transfer:
    """One redistribution in force: `amount_units` resolved (also for "all")."""

    giver: str
    receiver: str
    amount_units: int
    approved_on: date
    reference: str


@dataclass(frozen=True)
class Prognosis:
    """National prognosis scenarios (children in the year) from `prognosis.toml`."""

    year: int
    children: dict[str, int]
    illustrative: bool
    source: str


@dataclass(frozen=True)
class Scenario:
    """One scenario's forecast for the rest of the year, by the equalising rule."""

    key: str
    national: int
    remaining: int
    expected: dict[str, int]
    fulfilment_after: dict[str, float | None]


@dataclass
class SiteInputs:
    as_of: date
    municipalities: list[Municipality]
    publications: dict[int, Publication]
    shown_year: int
    status: dict[str, Status]
    total_assigned: int
    years: list[int]
    yearly: dict[str, dict[int, tuple[int, int]]]
    history: list[YearEnd]
    transfers: list[Transfer]
    features: dict[str, dict]
    assigned_this_year: int = 0
    prognosis: Prognosis | None = None
    scenarios: list[Scenario] = field(default_factory=list)
    illustrative: list[str] = field(default_factory=list)

    @property
    def counties(self) -> list[tuple[str, str]]:
        return sorted({(m.county_code, m.county_name) for m in self.municipalities})

    @property
    def shown(self) -> Publication:
        return self.publications[self.shown_year]


def collect_inputs(data_dir: Path, out_dir: Path, as_of: date,
                   today: date | None = None) -> SiteInputs:
    """Read and check every input of the site on `as_of` (the ledger counts up to it)."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    if as_of < FIRST_DATE:
        raise AnvisningError(f"the site's date {as_of} is before {FIRST_DATE}, the start of "
                             "goal fulfilment")
    today = max(today or date.today(), as_of)
    register = load_register(data_dir / REGISTER)
    municipalities = [Municipality(*row) for row in register.iter_rows()]
    codes = [m.code for m in municipalities]
    publications = read_publications(out_dir, set(codes))
    shown_year = _shown_year(publications, as_of, out_dir)
    ledger_path = data_dir / LEDGER
    ledger = read_ledger(ledger_path, codes, today).filter(pl.col("date") <= as_of)
    shown = publications[shown_year]

    current = _fulfilment(ledger, shown, register, as_of)
    places = queue_places(dict(zip(current["municipality_code"], current["assigned"],
                                   strict=True)), shown.shares)
    status = {
        code: Status(share, assigned, target, pct, places.get(code))
        for code, share, assigned, target, pct in current.select(
            "municipality_code", "share_units", "assigned", "target", "fulfilment_pct").iter_rows()
    }
    history = [
        _year_end(ledger, publications[year], register, date(year, 12, 31))
        for year in sorted(publications) if FIRST_DATE.year <= year < as_of.year
    ]
    history.append(_year_end(ledger, shown, register, as_of, current))
    years = list(range(FIRST_DATE.year, as_of.year + 1))
    inputs = SiteInputs(
        as_of=as_of, municipalities=municipalities, publications=publications,
        shown_year=shown_year, status=status, total_assigned=int(current["assigned"].sum()),
        years=years, yearly=_yearly(ledger, codes), history=history,
        transfers=_transfers(data_dir, shown, register),
        features=load_features(data_dir / GEOJSON, codes),
    )
    prognosis = load_prognosis(data_dir / PROGNOSIS, as_of.year)
    this_year = ledger.filter(pl.col("date") >= date(as_of.year, 1, 1)).height
    inputs.assigned_this_year = this_year
    if prognosis is not None and as_of.year == shown_year:
        inputs.prognosis = prognosis
        inputs.scenarios = _scenarios(current, prognosis, this_year, shown.decimals)
    inputs.illustrative = _illustrative(publications, ledger_path, inputs.prognosis)
    return inputs


# --- published share tables ---------------------------------------------------------------

def read_publications(out_dir: Path, codes: set[str]) -> dict[int, Publication]:
    """Every share year published under `out_dir` (`<Y>/publication_<Y>.json`), by year."""
    found: dict[int, Publication] = {}
    if not out_dir.is_dir():
        raise InputError(out_dir, "the out folder is missing; run `anvisning run --year Y` first")
    for folder in sorted(out_dir.iterdir()):
        if not (_YEAR_DIR.match(folder.name) and folder.is_dir()):
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
    manifest_path = paths["manifest"]
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        decimals = int(manifest["decimals"])
        version = int(manifest["version"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(manifest_path, f"not a readable publication manifest ({error})") from None
    final = read_published_final(folder, year)
    if final is None:
        raise InputError(paths["csv"], "the published share table is missing or no longer "
                         "matches its manifest (SHA-256)")
    if set(final["municipality_code"]) != codes:
        raise InputError(paths["csv"], "the published table does not list exactly the "
                         "register's municipalities")
    columns = {c: dict(zip(final["municipality_code"], final[c], strict=True))
               for c in ("share_units", "calculated_units", "given_units", "received_units")}
    illustrative = tuple(
        INPUT_NAMES.get(item.get("name", ""), _agreement_name(item.get("name", "")))
        for item in manifest.get("inputs", []) if item.get("illustrative"))
    return Publication(
        year=year, version=version, decision_date=str(manifest.get("decision_date", "")),
        published_at=str(manifest.get("published_at", "")), decimals=decimals,
        parameter_set=str(manifest.get("parameter_set", "")), illustrative_inputs=illustrative,
        shares=columns["share_units"], calculated=columns["calculated_units"],
        given=columns["given_units"], received=columns["received_units"],
    )


def _agreement_name(name: str) -> str:
    return "omfördelningar" if name.startswith("redistributions") else name


def _shown_year(publications: dict[int, Publication], as_of: date, out_dir: Path) -> int:
    """The share year in force on `as_of`: that year's table; a site dated in a year without a
    published table cannot state goal fulfilment (it is counted against that year's shares)."""
    if as_of.year not in publications:
        raise InputError(out_dir / str(as_of.year), f"no published share table for {as_of.year}, "
                         "the year of the site's date: goal fulfilment is counted against the "
                         f"shares of that year (published: {', '.join(map(str, publications))})")
    return as_of.year


# --- goal fulfilment --------------------------------------------------------------------------

def _share_frame(publication: Publication, register: pl.DataFrame) -> pl.DataFrame:
    return register.select("municipality_code", "municipality_name", "county_code").with_columns(
        share_units=pl.col("municipality_code").replace_strict(publication.shares,
                                                               return_dtype=pl.Int64))


def _fulfilment(ledger: pl.DataFrame, publication: Publication, register: pl.DataFrame,
                when: date) -> pl.DataFrame:
    return fulfilment_table(ledger, _share_frame(publication, register), when,
                            publication.decimals)


def _year_end(ledger: pl.DataFrame, publication: Publication, register: pl.DataFrame,
              when: date, table: pl.DataFrame | None = None) -> YearEnd:
    table = _fulfilment(ledger, publication, register, when) if table is None else table
    codes = table["municipality_code"].to_list()
    return YearEnd(when=when, share_year=publication.year, total=int(table["assigned"].sum()),
                   assigned=dict(zip(codes, table["assigned"], strict=True)),
                   fulfilment_pct=dict(zip(codes, table["fulfilment_pct"], strict=True)))


def _yearly(ledger: pl.DataFrame, codes: list[str]) -> dict[str, dict[int, tuple[int, int]]]:
    """Assignments per municipality and calendar year: (equalising, connection)."""
    counts = (ledger.group_by("municipality_code", pl.col("date").dt.year().alias("year"))
              .agg(equalising=(pl.col("kind") == EQUALISING).sum(),
                   connection=(pl.col("kind") == CONNECTION).sum()))
    result: dict[str, dict[int, tuple[int, int]]] = {code: {} for code in codes}
    for code, year, equalising, connection in counts.iter_rows():
        result[code][int(year)] = (int(equalising), int(connection))
    return result


def _scenarios(current: pl.DataFrame, prognosis: Prognosis, this_year: int,
               decimals: int) -> list[Scenario]:
    """Each scenario's national number less what is already assigned this year is forecast as
    equalising assignments by the project's forecast (pipeline.goals.fulfilment), not share × N."""
    result = []
    for key in SCENARIOS:
        national = prognosis.children[key]
        remaining = max(0, national - this_year)
        table = forecast_table(current, remaining, decimals)
        codes = table["municipality_code"].to_list()
        result.append(Scenario(key=key, national=national, remaining=remaining,
                               expected=dict(zip(codes, table["expected"], strict=True)),
                               fulfilment_after=dict(zip(codes, table["fulfilment_pct"],
                                                         strict=True))))
    return result


# --- redistributions ----------------------------------------------------------------------

def _transfers(data_dir: Path, publication: Publication,
               register: pl.DataFrame) -> list[Transfer]:
    """The agreements of the shown year (the agency's file and the county boards' forms, read
    as the December round reads them), with "all" resolved to the giver's calculated share;
    they must add up to what the published table gives and receives."""
    folder = data_dir / "redistributions"
    agreements = collect_agreements(Layout(data_dir), publication.year, register,
                                    publication.calculated, publication.decimals,
                                    write_reports=False).agreements
    transfers = [
        Transfer(a.giver_code, a.receiver_code,
                 publication.calculated.get(a.giver_code, 0) if a.amount_units is None
                 else a.amount_units, a.approved_on, a.reference)
        for a in agreements
    ]
    given: dict[str, int] = {}
    received: dict[str, int] = {}
    for t in transfers:
        given[t.giver] = given.get(t.giver, 0) + t.amount_units
        received[t.receiver] = received.get(t.receiver, 0) + t.amount_units
    published_given = {c: v for c, v in publication.given.items() if v}
    published_received = {c: v for c, v in publication.received.items() if v}
    if given != published_given or received != published_received:
        raise InputError(folder / f"{publication.year}.csv",
                         f"the agreements for {publication.year} differ from the published "
                         "table's given and received shares (publish again, or restore them)")
    return sorted(transfers, key=lambda t: (t.giver, t.receiver))


# --- map ---------------------------------------------------------------------------------

def load_features(path: Path, codes: list[str]) -> dict[str, dict]:
    """The boundary geometry (GeoJSON Polygon or MultiPolygon) of each municipality, by code."""
    if not path.is_file():
        raise InputError(path, "the municipality boundaries (GeoJSON) are missing")
    if path.stat().st_size > MAX_GEOJSON_BYTES:
        raise InputError(path, f"the GeoJSON is larger than {MAX_GEOJSON_BYTES} bytes")
    try:
        document = json.loads(path.read_bytes())
        features = document["features"]
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(path, f"not a GeoJSON FeatureCollection ({error})") from None
    geometry: dict[str, dict] = {}
    for number, feature in enumerate(features, start=1):
        try:
            code = str(feature["properties"]["id"])
            shape = feature["geometry"]
            kind = shape["type"]
        except (KeyError, TypeError):
            raise InputError(path, "every feature has properties.id and a geometry",
                             line=None, column=f"features[{number - 1}]") from None
        if kind not in ("Polygon", "MultiPolygon"):
            raise InputError(path, "a municipality is a Polygon or MultiPolygon",
                             column=f"features[{number - 1}]", value=kind)
        if code in geometry:
            raise InputError(path, "each municipality appears once",
                             column="properties.id", value=code)
        geometry[code] = shape
    if set(geometry) != set(codes):
        missing = sorted(set(codes) - set(geometry))
        unknown = sorted(set(geometry) - set(codes))
        raise InputError(path, "the features must be exactly the register's municipalities "
                         f"(missing {missing[:5]}, unknown {unknown[:5]})")
    return geometry


# --- prognosis scenarios -------------------------------------------------------------------

def load_prognosis(path: Path, year: int | None = None) -> Prognosis | None:
    """`prognosis.toml`: national prognosis scenarios, one table per year,

        illustrative = true          # optional, default false
        source = "…"                 # optional
        [prognosis.2026]
        low = 390                    # children in the whole year, nationally
        base = 420
        high = 460

    Whole numbers ≥ 0 with low ≤ base ≤ high; every year is validated. Returns the scenarios of
    `year` (default: the latest year in the file), or None if the file does not exist or has no
    table for `year`."""
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"not readable UTF-8 text ({type(error).__name__})") from None
    document = parse_toml(path, text)
    unknown = set(document) - {"illustrative", "source", "prognosis"}
    if unknown:
        raise InputError(path, f"unknown key {sorted(unknown)[0]!r}; allowed: illustrative, "
                         "source, prognosis")
    illustrative = document.get("illustrative", False)
    if not isinstance(illustrative, bool):
        raise InputError(path, "illustrative: must be true or false", value=illustrative)
    source = document.get("source", "")
    if not isinstance(source, str):
        raise InputError(path, "source: must be text", value=source)
    years = document.get("prognosis")
    if not isinstance(years, dict) or not years:
        raise InputError(path, "needs at least one table [prognosis.<year>] with low, base, high")
    parsed: dict[int, dict[str, int]] = {}
    for year_key, table in years.items():
        if not re.fullmatch(r"\d{4}", year_key):
            raise InputError(path, f"prognosis.{year_key}: the table name is a year (4 digits)")
        if not isinstance(table, dict):
            raise InputError(path, f"prognosis.{year_key}: must be a table with low, base, high")
        extra = set(table) - set(SCENARIOS)
        if extra:
            raise InputError(path, f"prognosis.{year_key}.{sorted(extra)[0]}: unknown key; "
                             "allowed: low, base, high")
        for key in SCENARIOS:
            value = table.get(key)
            if value is None:
                raise InputError(path, f"prognosis.{year_key}.{key}: is required")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError(path, f"prognosis.{year_key}.{key}: must be a whole number ≥ 0",
                                 value=value)
        if not table["low"] <= table["base"] <= table["high"]:
            raise InputError(path, f"prognosis.{year_key}: low ≤ base ≤ high is required",
                             value=f"{table['low']}, {table['base']}, {table['high']}")
        parsed[int(year_key)] = {key: table[key] for key in SCENARIOS}
    year = max(parsed) if year is None else year
    if year not in parsed:
        return None
    return Prognosis(year=year, children=parsed[year], illustrative=illustrative, source=source)


# --- illustrative inputs -------------------------------------------------------------------

def _illustrative(publications: dict[int, Publication], ledger_path: Path,
                  prognosis: Prognosis | None) -> list[str]:
    """What is illustrative, in Swedish, for the mark on every page (empty: nothing is)."""
    notes = []
    if described_file(ledger_path)["illustrative"]:
        notes.append("anvisningsregistret")
    for year, publication in sorted(publications.items()):
        if publication.illustrative:
            notes.append(f"underlag för andelstalen {year} "
                         f"({', '.join(dict.fromkeys(publication.illustrative_inputs))})")
    if prognosis is not None and prognosis.illustrative:
        notes.append(f"prognosen för {prognosis.year}")
    return notes


def county_fulfilment(inputs: SiteInputs, codes: list[str]) -> float | None:
    """A county's goal fulfilment: its assignments over its summed target, exactly, then rounded
    half up to one decimal (as pipeline.goals.fulfilment rounds a municipality's)."""
    shares = sum(inputs.status[c].share_units for c in codes)
    assigned = sum(inputs.status[c].assigned for c in codes)
    if shares == 0 or inputs.total_assigned == 0:
        return None
    total_units = 1000 * 10 ** inputs.shown.decimals
    ratio = Fraction(assigned * total_units * 1000, shares * inputs.total_assigned)  # tenths of %
    return float((2 * ratio.numerator + ratio.denominator) // (2 * ratio.denominator)) / 10

