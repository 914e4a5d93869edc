"""Failure paths, one class at a time (issue: failure paths as solid as the happy path): each
bad case is refused with an InputError or AnvisningError naming where and why, and leaves nothing
half-written."""

from __future__ import annotations

import json
import os
import re
import threading
from datetime import date

import polars as pl
import pytest

from pipeline.core.config import described_file, read_sources
from pipeline.core.errors import AnvisningError, InputError, ModelError
from pipeline.core.layout import Layout
from pipeline.goals.fulfilment import MAX_FORECAST, forecast_table, fulfilment_table
from pipeline.goals.ledger import MAX_LEDGER_BYTES, Arrival, locked_ledger, read_ledger
from pipeline.goals.report import write_fulfilment
from pipeline.ingestion.readers import read_region_table
from pipeline.ingestion.register import load_register
from pipeline.ingestion.schemas import validate_statistic
from pipeline.publication.store import read_published_final
from pipeline.publication.table import PublicationError
from pipeline.redistribution.agreements import read_agreements_csv
from tests.conftest import DATA

TODAY = date(2026, 11, 27)
HEADER = "Kommunkod,Kommun,2024\n"


# --- configuration files have a schema -----------------------------------------------------

SOURCES = '["population.csv"]\nsource = "SCB"\nillustrative = false\n'


@pytest.mark.parametrize(("text", "line", "key", "rule"), [
    ('["a.csv"]\nsource = "x"\nillustrativ = true\n', 3, "illustrativ", "unknown key"),
    ('["a.csv"]\nsource = "x"\n', 1, "illustrative", "is missing"),
    ('["a.csv"]\nsource = "x"\nillustrative = "yes"\n', 3, "illustrative", "true or false"),
    ('["a.csv"]\nsource = 3\nillustrative = true\n', 2, "source", "must be a text"),
    ('["a.csv"]\nsource = "x\\u2028y"\nillustrative = true\n', 2, "source", "U+2028"),
])
def test_a_sources_file_with_a_typo_or_a_wrong_type_is_refused(tmp_path, text, line, key, rule):
    (tmp_path / "sources.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_sources(tmp_path)
    error = raised.value
    assert (error.line, error.column) == (line, key) and rule in error.rule
    assert error.file.endswith("sources.toml")


def test_a_data_file_without_an_entry_is_never_official_by_default(tmp_path):
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "minors_received.csv").write_text(HEADER, encoding="utf-8")
    assert described_file(tmp_path / "population.csv")["illustrative"] is False
    with pytest.raises(InputError, match="minors_received.csv has no entry"):
        described_file(tmp_path / "minors_received.csv")


# --- control characters are refused where text enters ---------------------------------------

@pytest.mark.parametrize("character", ["\x1b", "\u2028", "\u202e", "\x85", "\x07"])
def test_a_register_name_with_a_control_character_is_refused(tmp_path, character):
    text = (DATA / "reference" / "municipalities.csv").read_text(encoding="utf-8")
    path = tmp_path / "municipalities.csv"
    path.write_text(text.replace("Vallentuna", f"Valle{character}ntuna", 1), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_register(path)
    assert raised.value.line == 3 and f"U+{ord(character):04X}" in str(raised.value)


@pytest.mark.parametrize("character", ["\u202e", "\u2066", "\x1f", "\u2029"])
def test_an_agreement_reference_with_a_control_character_is_refused(tmp_path, character):
    path = tmp_path / "2026.csv"
    path.write_text("share_year,giver_code,receiver_code,amount_promille,approved_on,reference\n"
                    f"2026,0181,0192,0.50,2025-12-04,Lst AB{character}851\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_agreements_csv(path, 2)
    assert (raised.value.line, raised.value.column) == (2, "reference")
    assert re.fullmatch(rf"the reference holds .*U\+{ord(character):04X}.*, which is not "
                        "allowed in a reference", raised.value.rule)


def test_a_statistic_name_with_a_bidirectional_override_is_refused(tmp_path):
    path = tmp_path / "minors_received.csv"
    path.write_text(HEADER + "0114,Upplands\u202eVäsby,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="U\\+202E") as raised:
        read_region_table(path, 2024)
    assert raised.value.line == 2


# --- CSV text is parsed whole, line breaks inside a figure are refused -----------------------

@pytest.mark.parametrize("figure", ['"35\n119"', '"35\r\n119"', "1\u20280", '"1\u20290"'])
def test_a_line_break_inside_a_figure_is_refused_not_joined(tmp_path, figure):
    path = tmp_path / "minors_received.csv"
    path.write_text(HEADER + f"0114,Upplands Väsby,{figure}\n0115,Vallentuna,2\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_region_table(path, 2024)
    assert raised.value.line == 2


def test_a_quoted_line_break_is_not_read_as_a_bigger_number(tmp_path):
    path = tmp_path / "minors_received.csv"
    path.write_text(HEADER + '0114,Upplands Väsby,"35\n119"\n', encoding="utf-8")
    with pytest.raises(InputError, match="whole number"):
        read_region_table(path, 2024)


# --- a name in another Unicode normalisation form is the same name -------------------------

def test_a_name_written_in_nfd_matches_the_register(register, tmp_path):
    import unicodedata

    rows = [f"{c},{unicodedata.normalize('NFD', n)},1" for c, n in
            register.select("municipality_code", "municipality_name").iter_rows()]
    path = tmp_path / "minors_received.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    values = validate_statistic(path, read_region_table(path, 2024), register, "minors_received")
    assert values.height == 290


# --- operating-system errors and corrupt files -----------------------------------------------

@pytest.mark.parametrize("content", ["[1, 2]", '{"version": "two"}', "{not json"])
def test_a_corrupt_or_wrong_type_manifest_is_one_clear_error(tmp_path, content):
    (tmp_path / "publication_2026.json").write_text(content, encoding="utf-8")
    (tmp_path / "shares_2026.csv").write_text("x\n", encoding="utf-8")
    with pytest.raises(PublicationError, match="publication_2026.json"):
        read_published_final(tmp_path, 2026)


# --- concurrent writers of one output ----------------------------------------------------------

def fulfilment_frame(register) -> pl.DataFrame:
    shares = register.select("municipality_code", "municipality_name", "county_code").with_columns(
        share_units=pl.lit(100_000 // 290, pl.Int64))
    shares = shares.with_columns(share_units=pl.when(pl.col("municipality_code") == "0114")
                                 .then(100_000 - 289 * (100_000 // 290))
                                 .otherwise(pl.col("share_units")))
    ledger = read_ledger(DATA / "ledger" / "assignments.csv", register["municipality_code"],
                         TODAY)
    return fulfilment_table(ledger, shares, date(2026, 6, 30))


def test_six_concurrent_fulfilment_writers_of_one_day_all_succeed(register, tmp_path):
    table, failures = fulfilment_frame(register), []
    layout = Layout(DATA, tmp_path / "out")

    def write() -> None:
        try:
            write_fulfilment(layout, table, date(2026, 6, 30), 2, True)
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            failures.append(error)

    threads = [threading.Thread(target=write) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) \
        == ["fulfilment_2026-06-30.csv", "fulfilment_2026-06-30.csv.lock",
            "fulfilment_2026-06-30.xlsx"]


# --- a symlinked ledger ------------------------------------------------------------------------

def test_an_assignment_through_a_symlinked_ledger_reaches_the_real_file(register, tmp_path):
    real = tmp_path / "real" / "assignments.csv"
    real.parent.mkdir()
    real.write_bytes((DATA / "ledger" / "assignments.csv").read_bytes())
    link = tmp_path / "assignments.csv"
    link.symlink_to(real)
    lines = len(real.read_text().splitlines())
    with locked_ledger(link, register["municipality_code"], TODAY) as session:
        session.append(TODAY, "0114", "connection", Arrival(TODAY, "0180"))
    assert link.is_symlink() and os.path.realpath(link) == str(real)
    assert len(real.read_text().splitlines()) == lines + 1


def test_two_links_to_one_ledger_take_one_lock(register, tmp_path):
    real = tmp_path / "assignments.csv"
    real.write_bytes((DATA / "ledger" / "assignments.csv").read_bytes())
    (tmp_path / "a.csv").symlink_to(real)
    (tmp_path / "b.csv").symlink_to(real)
    from pipeline.core.locks import lock_file_for

    assert lock_file_for(tmp_path / "a.csv") == lock_file_for(tmp_path / "b.csv")


# --- arithmetic that could wrap --------------------------------------------------------------

def test_a_forecast_above_the_documented_limit_is_refused(register):
    table = fulfilment_frame(register)
    with pytest.raises(ModelError, match="0 to 1 000 000 000"):
        forecast_table(table, MAX_FORECAST + 1)
    with pytest.raises(ModelError):
        forecast_table(table, 10**20)


def test_the_largest_forecast_keeps_fulfilment_near_one_hundred_percent(register):
    table = forecast_table(fulfilment_frame(register), MAX_FORECAST)
    stockholm = table.filter(pl.col("municipality_code") == "0180").row(0, named=True)
    assert 99.9 <= stockholm["fulfilment_pct"] <= 100.1


# --- limits -----------------------------------------------------------------------------------

def test_a_ledger_above_the_size_limit_is_refused_before_it_is_read(register, tmp_path):
    path = tmp_path / "assignments.csv"
    with open(path, "wb") as handle:
        handle.write(b"assignment_id,date,municipality_code,kind\n")
        handle.truncate(MAX_LEDGER_BYTES + 1)
    with pytest.raises(InputError, match="larger than 128 MiB"):
        read_ledger(path, register["municipality_code"], TODAY)


def test_refusals_are_anvisning_errors():
    assert issubclass(PublicationError, AnvisningError) and issubclass(InputError, AnvisningError)
    assert json.loads("{}") == {}
