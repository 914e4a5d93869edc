"""Redistribution (omfördelning): agreed transfers of share between municipalities in one county.

Agreements arrive as a CSV (`data/redistributions/<Y>.csv`) or as the "Omfördelning" sheet of a
review workbook filled in by a county board (`data/redistributions/<Y>/*.xlsx`). They are read,
validated against every rule of the model specification, then applied to the calculated shares.

A duplicate agreement is the same giver and receiver appearing twice for one share year, whatever
the amounts, dates or references: two transfers between the same pair must be one agreement, and
the same agreement entered through both routes (CSV and workbook) must not count twice. A shared
reference (diarienummer) is allowed, because one county board decision may cover several transfers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl

from pipeline.core.errors import InputError, ModelError
from pipeline.core.units import parse_promille, total_units, units_to_text
from pipeline.ingestion.readers import opened_workbook, sheet_values
from pipeline.ingestion.register import MUNICIPALITY_CODE

CSV_COLUMNS = [
    "share_year", "giver_code", "receiver_code", "amount_promille", "approved_on", "reference",
]
ALL = "all"
MAX_AGREEMENT_BYTES = 1024 * 1024
MAX_FORM_ROWS = 10_000
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YEAR = re.compile(r"^\d{4}$")

FORM_SHEET = "Omfördelning"
INFO_SHEET = "Info"
FORM_HEADERS = [
    "Givande kommun (kod)",
    "Mottagande kommun (kod)",
    'Andel ‰ (eller "all")',
    "Beslutsdatum (ÅÅÅÅ-MM-DD)",
    "Diarienummer",
]
RESULT_COLUMNS = [
    "municipality_code", "municipality_name", "county_code", "county_name",
    "calculated_units", "given_units", "received_units", "share_units",
]


@dataclass(frozen=True)
class Agreement:
    """One approved transfer of share from a giving to a receiving municipality.

    `amount_units` is in units of 10^-decimals ‰; None means "all" (the giver's entire calculated
    share). `source` says where the agreement was read, e.g. "data/redistributions/2026.csv line 3".
    """

    share_year: int
    giver_code: str
    receiver_code: str
    amount_units: int | None
    approved_on: date
    reference: str
    source: str


class AgreementError(InputError):
    """An agreement that breaks a redistribution rule; the message names the agreement and rule."""

    def __init__(self, agreement: Agreement, rule: str, decimals: int) -> None:
        self.agreement = agreement
        self.decimals = decimals
        super().__init__(agreement.source, rule)

    def describe(self) -> str:
        a = self.agreement
        return (f"{a.source}: agreement {a.giver_code} -> {a.receiver_code}, "
                f"{_amount_text(a.amount_units, self.decimals)}, reference {a.reference!r}: "
                f"{self.rule}")


def read_agreements_csv(path: Path, decimals: int) -> list[Agreement]:
    """Read an agreement CSV (UTF-8, BOM tolerated) with the header `CSV_COLUMNS`, all as text."""
    parsers = _parsers(decimals, _parse_code, _parse_amount, _parse_date, str)
    try:
        return _agreements_from_text(path, _utf8_text(path), parsers)
    except csv.Error as error:
        raise InputError(path, f"not a readable CSV file ({error})") from None


def _utf8_text(path: Path) -> str:
    if path.stat().st_size > MAX_AGREEMENT_BYTES:
        raise InputError(path, f"an agreement file is at most {MAX_AGREEMENT_BYTES} bytes")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path, "unreadable encoding: an agreement file is UTF-8",
                         line=raw.count(b"\n", 0, error.start) + 1,
                         value=f"byte 0x{raw[error.start]:02X}") from None


def _agreements_from_text(path: Path, text: str, parsers: dict) -> list[Agreement]:
    if "\x00" in text:
        raise InputError(path, "unreadable encoding: the file holds NUL characters")
    handle = io.StringIO(text, newline="")
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != CSV_COLUMNS:
        raise InputError(path, f"the header must be exactly {','.join(CSV_COLUMNS)}", line=1,
                         value=",".join(header or []))
    agreements = []
    for row in reader:
        if not any(field.strip() for field in row):
            continue
        if len(row) != len(CSV_COLUMNS):
            raise InputError(path, f"a row has {len(CSV_COLUMNS)} fields",
                             line=reader.line_num, value=",".join(row))
        cells = dict(zip(CSV_COLUMNS, (field.strip() for field in row), strict=True))
        parsed = {}
        for column, parse in parsers.items():
            try:
                parsed[column] = parse(cells[column])
            except ValueError as error:
                raise InputError(path, str(error), line=reader.line_num, column=column,
                                 value=cells[column]) from None
        agreements.append(_agreement(parsed, f"{path} line {reader.line_num}"))
    return agreements


def read_agreements_workbook(path: Path, decimals: int) -> list[Agreement]:
    """Read the filled-in "Omfördelning" sheet of a review workbook; the share year is on "Info"."""
    with opened_workbook(path) as workbook:
        share_year = _workbook_share_year(path, workbook)
        if FORM_SHEET not in workbook.sheetnames:
            raise InputError(path, f"the workbook has no sheet {FORM_SHEET!r}")
        rows = sheet_values(path, workbook[FORM_SHEET], MAX_FORM_ROWS)
    parsers = _parsers(decimals, _cell_code, _cell_amount, _cell_date, _cell_text)
    del parsers["share_year"]
    header_row = _form_header_row(path, rows)
    agreements = []
    for row_number, row in enumerate(rows[header_row:], start=header_row + 1):
        values = (list(row) + [None] * len(FORM_HEADERS))[: len(FORM_HEADERS)]
        if all(_blank(value) for value in values):
            continue
        parsed = {"share_year": share_year}
        for (column, parse), header, value in zip(parsers.items(), FORM_HEADERS, values,
                                                  strict=True):
            try:
                parsed[column] = parse(value)
            except ValueError as error:
                raise InputError(path, str(error), sheet=FORM_SHEET, line=row_number,
                                 column=header, value=value) from None
        agreements.append(_agreement(parsed, f"{path} sheet {FORM_SHEET!r} row {row_number}"))
    return agreements


def read_all_agreements(directory: Path, share_year: int, decimals: int) -> list[Agreement]:
    """Every agreement for a share year: `<directory>/<Y>.csv`, then `<directory>/<Y>/*.xlsx`
    in name order (Excel's "~$" lock files are skipped)."""
    agreements: list[Agreement] = []
    csv_path = directory / f"{share_year}.csv"
    if csv_path.is_file():
        agreements += read_agreements_csv(csv_path, decimals)
    workbook_dir = directory / str(share_year)
    if workbook_dir.is_dir():
        for path in sorted(workbook_dir.glob("*.xlsx")):
            if not path.name.startswith("~$"):
                agreements += read_agreements_workbook(path, decimals)
    return agreements


def validate_agreements(
    agreements: Iterable[Agreement],
    share_year: int,
    draft_units: dict[str, int],
    register: pl.DataFrame,
    decimals: int,
) -> None:
    """Raise AgreementError for the first agreement that breaks a redistribution rule.

    `draft_units` maps municipality_code to its calculated share in units; `register` has
    municipality_code and county_code.
    """
    county_of = dict(zip(register["municipality_code"], register["county_code"], strict=True))
    earlier: list[Agreement] = []
    given: dict[str, int] = {}
    for agreement in agreements:
        giver = agreement.giver_code
        rule = (_rule_broken_alone(agreement, share_year, county_of, draft_units, decimals)
                or _rule_broken_with(earlier, agreement, share_year))
        if rule is None:
            calculated = draft_units[giver]
            given[giver] = given.get(giver, 0) + _resolve(agreement, calculated)
            if given[giver] > calculated:
                rule = (f"municipality {giver} would give {_units(given[giver], decimals)} ‰ "
                        f"in total, more than its calculated share of "
                        f"{_units(calculated, decimals)} ‰")
        if rule is not None:
            raise AgreementError(agreement, rule, decimals)
        earlier.append(agreement)


def apply_redistributions(
    draft: pl.DataFrame, agreements: Iterable[Agreement], decimals: int
) -> pl.DataFrame:
    """Final shares after validated agreements: calculated − given + received, in register order.

    The draft's `share_units` must total exactly 1000 ‰; "all" resolves to the giver's calculated
    share.
    """
    calculated = dict(zip(draft["municipality_code"], draft["share_units"], strict=True))
    if sum(calculated.values()) != total_units(decimals):
        raise ModelError(f"the draft shares total {_units(sum(calculated.values()), decimals)} ‰, "
                         f"not 1000 ‰; redistribution needs the complete draft")
    given = dict.fromkeys(calculated, 0)
    received = dict.fromkeys(calculated, 0)
    for agreement in agreements:
        amount = _resolve(agreement, calculated[agreement.giver_code])
        given[agreement.giver_code] += amount
        received[agreement.receiver_code] += amount
    return (
        draft.select(*RESULT_COLUMNS[:4],
                     pl.col("share_units").cast(pl.Int64).alias("calculated_units"))
        .with_columns(
            given_units=pl.col("municipality_code").replace_strict(given, return_dtype=pl.Int64),
            received_units=pl.col("municipality_code").replace_strict(
                received, return_dtype=pl.Int64),
        )
        .with_columns(
            share_units=pl.col("calculated_units") - pl.col("given_units")
            + pl.col("received_units"),
        )
        .select(RESULT_COLUMNS)
        .sort("municipality_code")
    )


def check_invariants(final: pl.DataFrame, decimals: int = 2) -> list[str]:
    """Human-readable violations of the redistribution invariants (empty list: all hold)."""
    problems = []
    national = final["share_units"].sum()
    if national != total_units(decimals):
        problems.append(f"the national total is {_units(national, decimals)} ‰, not 1000 ‰")
    counties = (
        final.group_by("county_code", "county_name")
        .agg(pl.col("calculated_units").sum(), pl.col("share_units").sum())
        .filter(pl.col("calculated_units") != pl.col("share_units"))
        .sort("county_code")
    )
    for row in counties.iter_rows(named=True):
        problems.append(
            f"county {row['county_code']} {row['county_name']}: total "
            f"{_units(row['share_units'], decimals)} ‰ after redistribution, "
            f"{_units(row['calculated_units'], decimals)} ‰ calculated")
    expected = pl.col("calculated_units") - pl.col("given_units") + pl.col("received_units")
    checks = [
        (pl.col("share_units") != expected, "share is not calculated − given + received"),
        ((pl.col("given_units") == 0) & (pl.col("received_units") == 0)
         & (pl.col("share_units") != pl.col("calculated_units")),
         "outside every agreement but its share changed"),
        (pl.col("share_units") < 0, "negative share"),
    ]
    for condition, rule in checks:
        for row in final.filter(condition).iter_rows(named=True):
            problems.append(
                f"{row['municipality_code']} {row['municipality_name']}: {rule} "
                f"(calculated {_units(row['calculated_units'], decimals)}, given "
                f"{_units(row['given_units'], decimals)}, received "
                f"{_units(row['received_units'], decimals)}, final "
                f"{_units(row['share_units'], decimals)} ‰)")
    return problems


def _rule_broken_alone(
    agreement: Agreement, share_year: int, county_of: dict[str, str],
    draft_units: dict[str, int], decimals: int,
) -> str | None:
    """The rule one agreement breaks on its own, if any."""
    if agreement.share_year != share_year:
        return f"the agreement is for share year {agreement.share_year}, not {share_year}"
    for role, code in (("giver", agreement.giver_code), ("receiver", agreement.receiver_code)):
        if code not in county_of or code not in draft_units:
            return f"unknown municipality code {code!r} ({role})"
    if agreement.giver_code == agreement.receiver_code:
        return "giver and receiver are the same municipality"
    giver_county = county_of[agreement.giver_code]
    receiver_county = county_of[agreement.receiver_code]
    if giver_county != receiver_county:
        return (f"giver and receiver are in different counties "
                f"({giver_county} and {receiver_county})")
    calculated = draft_units[agreement.giver_code]
    if _resolve(agreement, calculated) <= 0:
        return (f"the amount must be greater than 0 ‰ (the calculated share is "
                f"{_units(calculated, decimals)} ‰)")
    if agreement.approved_on.year != share_year - 1:
        return (f"approval date {agreement.approved_on.isoformat()} is outside {share_year - 1}, "
                f"the calendar year before share year {share_year}")
    return None


def _rule_broken_with(
    earlier: list[Agreement], agreement: Agreement, share_year: int
) -> str | None:
    """The rule an agreement breaks together with the agreements before it, if any."""
    giver, receiver = agreement.giver_code, agreement.receiver_code
    for other in earlier:
        if (other.giver_code, other.receiver_code) == (giver, receiver):
            return f"duplicate agreement: {giver} already gives to {receiver} ({other.source})"
        if other.receiver_code == giver:
            return (f"municipality {giver} both gives and receives in {share_year} "
                    f"(receives at {other.source})")
        if other.giver_code == receiver:
            return (f"municipality {receiver} both gives and receives in {share_year} "
                    f"(gives at {other.source})")
    return None


def _resolve(agreement: Agreement, calculated: int) -> int:
    return calculated if agreement.amount_units is None else agreement.amount_units


def _agreement(parsed: dict, source: str) -> Agreement:
    return Agreement(share_year=parsed["share_year"], giver_code=parsed["giver_code"],
                     receiver_code=parsed["receiver_code"],
                     amount_units=parsed["amount_promille"], approved_on=parsed["approved_on"],
                     reference=parsed["reference"], source=source)


def _units(units: int, decimals: int) -> str:
    return units_to_text(units, decimals)


def _amount_text(amount_units: int | None, decimals: int) -> str:
    return ALL if amount_units is None else f"{_units(amount_units, decimals)} ‰"


def _parsers(decimals: int, code, amount, approved_on, reference) -> dict:
    """One parser per CSV column, in CSV order; each raises ValueError naming the rule."""
    return {
        "share_year": _parse_year,
        "giver_code": code,
        "receiver_code": code,
        "amount_promille": lambda value: amount(value, decimals),
        "approved_on": approved_on,
        "reference": lambda value: _parse_reference(reference(value)),
    }


def _parse_year(text: str) -> int:
    if not YEAR.match(text):
        raise ValueError("the share year is a 4-digit year")
    return int(text)


def _parse_code(text: str) -> str:
    if not MUNICIPALITY_CODE.match(text):
        raise ValueError("a municipality code is 4 digits, leading zero kept (e.g. 0114)")
    return text


def _parse_amount(text: str, decimals: int) -> int | None:
    """`all`, or a decimal in ‰ with at most `decimals` decimals; a sign is kept so that a
    negative amount is rejected by the amount rule, not as unreadable."""
    if text.lower() == ALL:
        return None
    negative = text.startswith("-")
    try:
        units = parse_promille(text[1:] if negative else text, decimals)
    except ValueError as error:
        raise ValueError(f"the amount is 'all' or a number in ‰ with at most {decimals} "
                         f"decimals ({error})") from None
    return -units if negative else units


def _parse_date(text: str) -> date:
    try:
        if ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError("the approval date is a date written YYYY-MM-DD")


def _parse_reference(text: str) -> str:
    if not text:
        raise ValueError("the county board's reference (diarienummer) is required")
    return text


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _cell_code(value: object) -> str:
    """A code typed into a numeric cell lost its leading zero (114); a text cell keeps it."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9999:
        return f"{value:04d}"
    return _parse_code(_cell_text(value))


def _cell_amount(value: object, decimals: int) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # repr of a float is the shortest text that reads back to it: what the user typed.
        value = format(Decimal(repr(value)), "f")
    return _parse_amount(_cell_text(value), decimals)


def _cell_date(value: object) -> date:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError("the approval date is a date without a time of day")
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _parse_date(value.strip())
    raise ValueError("the approval date is a date written YYYY-MM-DD")


def _workbook_share_year(path: Path, workbook) -> int:
    if INFO_SHEET in workbook.sheetnames:
        for key, value, *_ in workbook[INFO_SHEET].iter_rows(values_only=True):
            if key == "share_year" and isinstance(value, int):
                return value
    raise InputError(path, "the workbook must keep the hidden 'Info' sheet with share_year; "
                     "fill in the review workbook the pipeline wrote", sheet=INFO_SHEET)


def _form_header_row(path: Path, rows: list[tuple]) -> int:
    """The 1-based row of the form's header (the title and instructions come above it)."""
    for number, row in enumerate(rows[:20], start=1):
        if [_cell_text(v) for v in row[: len(FORM_HEADERS)]] == FORM_HEADERS:
            return number
    raise InputError(path, f"the form's header row ({', '.join(FORM_HEADERS)}) is missing",
                     sheet=FORM_SHEET)
