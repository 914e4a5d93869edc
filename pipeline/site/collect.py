"""Everything the statistics website shows, collected from the data and out folders.

What the site uses from the rest of `pipeline` comes through `pipeline.site.upstream`, the
package's only importer of it. The result, `SiteInputs` (`pipeline.site.inputs`), holds plain
Python values; the rest of `pipeline.site` renders it and computes nothing from the model.

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

from datetime import date
from pathlib import Path

import polars as pl

from pipeline.core.config import described_file
from pipeline.core.errors import AnvisningError
from pipeline.core.geography import load_features
from pipeline.core.layout import Layout
from pipeline.core.text import year_ranges
from pipeline.presentation import terms
from pipeline.site.documents import read_documents
from pipeline.site.fulfilment import forecast_scenarios, fulfilment_on, year_end, yearly_counts
from pipeline.site.inputs import NextYear, Prognosis, Publication, SiteInputs, Status
from pipeline.site.next_year import from_draft, from_table, read_draft_shares
from pipeline.site.prognosis import load_prognosis
from pipeline.site.publications import read_publications, shown_year_of
from pipeline.site.redistributions import transfers_in_force
from pipeline.site.upstream import (
    FIRST_DATE,
    Municipality,
    load_register,
    queue_places,
    read_ledger,
)

GEOJSON = Path("reference") / "municipalities_2pct.geojson"
REGISTER = Path("reference") / "municipalities.csv"
LEDGER = Path("ledger") / "assignments.csv"
PROGNOSIS = Path("prognosis.toml")


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
    shown_year = shown_year_of(publications, as_of, out_dir)
    ledger_path = data_dir / LEDGER
    ledger = read_ledger(ledger_path, codes, today).filter(pl.col("date") <= as_of)
    shown = publications[shown_year]

    current = fulfilment_on(ledger, shown, register, as_of)
    places = queue_places(dict(zip(current["municipality_code"], current["assigned"],
                                   strict=True)), shown.shares)
    status = {
        code: Status(share, assigned, target, pct, places.get(code))
        for code, share, assigned, target, pct in current.select(
            "municipality_code", "share_units", "assigned", "target", "fulfilment_pct").iter_rows()
    }
    history = [
        year_end(ledger, publications[year], register, date(year, 12, 31))
        for year in sorted(publications) if FIRST_DATE.year <= year < as_of.year
    ]
    history.append(year_end(ledger, shown, register, as_of, current))
    years = list(range(FIRST_DATE.year, as_of.year + 1))
    inputs = SiteInputs(
        as_of=as_of, municipalities=municipalities, publications=publications,
        shown_year=shown_year, status=status, total_assigned=int(current["assigned"].sum()),
        years=years, yearly=yearly_counts(ledger, codes), history=history,
        transfers=transfers_in_force(data_dir, shown, register),
        features=load_features(data_dir / GEOJSON, codes),
    )
    prognosis = load_prognosis(data_dir / PROGNOSIS, as_of.year)
    this_year = ledger.filter(pl.col("date") >= date(as_of.year, 1, 1)).height
    inputs.assigned_this_year = this_year
    if prognosis is not None and as_of.year == shown_year:
        inputs.prognosis = prognosis
        inputs.scenarios = forecast_scenarios(current, prognosis, this_year, shown.decimals)
    inputs.illustrative = _illustrative(publications, ledger_path, inputs.prognosis)
    inputs.documents = read_documents(out_dir, sorted(publications))
    inputs.next_year = _next_year(data_dir, out_dir, inputs, set(codes))
    return inputs


def _next_year(data_dir: Path, out_dir: Path, inputs: SiteInputs,
               codes: set[str]) -> NextYear | None:
    """Next year's published table's expectation, else its draft's under next year's
    prognosis, else None."""
    year = inputs.shown_year + 1
    if year in inputs.publications:
        return from_table(inputs.publications[year])
    draft = Layout(data_dir, out_dir).draft_csv(year)
    prognosis = load_prognosis(data_dir / PROGNOSIS, year)
    if not draft.is_file() or prognosis is None:
        return None
    shares = read_draft_shares(draft, inputs.shown.decimals, codes)
    assigned = {code: status.assigned for code, status in inputs.status.items()}
    return from_draft(year, shares, assigned, inputs.scenarios, prognosis)


def _illustrative(publications: dict[int, Publication], ledger_path: Path,
                  prognosis: Prognosis | None) -> list[str]:
    """What is illustrative, in Swedish, for the mark on every page (empty: nothing is)."""
    notes = []
    if described_file(ledger_path)["illustrative"]:
        notes.append(terms.LEDGER)
    # Years with the same illustrative inputs are named together ("2019–2023"), so the mark
    # stays a sentence however many years are published.
    groups: dict[tuple[str, ...], list[int]] = {}
    for year, publication in sorted(publications.items()):
        if publication.illustrative:
            inputs = tuple(dict.fromkeys(publication.illustrative_inputs))
            groups.setdefault(inputs, []).append(year)
    for inputs, years in sorted(groups.items(), key=lambda item: item[1][0]):
        notes.append(f"underlag för {terms.SHARE}en {year_ranges(years)} ({', '.join(inputs)})")
    if prognosis is not None and prognosis.illustrative:
        notes.append(f"prognosen för {prognosis.year}")
    return notes


