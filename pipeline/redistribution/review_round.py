"""The county boards' review round (länsstyrelsernas granskning): when and where a review
workbook goes back, read from `data/review.toml`.

The file has one table `[round]` with `return_address`, `contact` and `deadline_month_day`
("12-05": the last day is that day of the year before the share year), one table
`[illustrative]` with the `return_address` and `contact` that stand instead of the real ones
whenever any input is illustrative, and optional tables `[years.<share year>]` whose
`deadline = "2025-12-05"` replaces the rule for one share year. Every key is known, present and
typed (`pipeline.core.config`); a deadline must be a real date in the year before the share year,
when the county boards review the draft; the illustrative contact details must be clearly
fictional (`pipeline.core.fictional`), so that an illustrative workbook never sends a county
board to a real mailbox or telephone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.core.config import Key, check_table, line_of, read_toml
from pipeline.core.errors import InputError
from pipeline.core.fictional import real_looking_contacts

ROUND_KEYS = (Key("return_address", str), Key("contact", str), Key("deadline_month_day", str))
ILLUSTRATIVE_KEYS = (Key("return_address", str), Key("contact", str))
TABLES = ("round", "illustrative", "years")
YEAR_KEYS = (Key("deadline", str),)
_MONTH_DAY = re.compile(r"^([0-9]{2})-([0-9]{2})$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_YEAR = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class ReviewRound:
    """What the first sheet of a county's review workbook tells the county board."""

    share_year: int
    deadline: date
    return_address: str
    contact: str


def load_review_round(path: Path, share_year: int, *, illustrative: bool) -> ReviewRound:
    """The review round of `share_year`, with the illustrative contact details when any input
    is `illustrative`; InputError naming the file, line and key for an unknown or missing key, a
    wrong type, a deadline that is not a date in the year before, or an illustrative contact
    detail that looks real."""
    document, text = read_toml(path)
    for table in document:
        if table not in TABLES:
            raise InputError(path, f"unknown table [{table}]; the tables are [round], "
                             "[illustrative] and [years.<share year>]",
                             line=line_of(text, table), value=table)
    for table in TABLES[:2]:
        if table not in document:
            raise InputError(path, f"the table [{table}] is missing")
    common = check_table(path, text, "round", document["round"], ROUND_KEYS)
    stand_in = check_table(path, text, "illustrative", document["illustrative"],
                           ILLUSTRATIVE_KEYS)
    for table, values in (("round", common), ("illustrative", stand_in)):
        for key in ("return_address", "contact"):
            if not values[key].strip():
                raise InputError(path, f"{key} must not be empty",
                                 line=line_of(text, table, key), column=key)
    for key in ("return_address", "contact"):
        real = real_looking_contacts(stand_in[key])
        if real:
            raise InputError(path, f"[illustrative] {key} must be clearly fictional: an "
                             "illustrative workbook must not send a county board to a real "
                             "address; use an example.org address and a telephone number of "
                             "zeros", line=line_of(text, "illustrative", key), column=key,
                             value=real[0])
    month_day = common["deadline_month_day"]
    deadlines = {}
    years = document.get("years", {})
    if not isinstance(years, dict):
        raise InputError(path, "years must hold tables [years.<share year>]",
                         line=line_of(text, None, "years"), column="years")
    for year_text, entry in years.items():
        table = f"years.{year_text}"
        if not _YEAR.fullmatch(year_text):
            raise InputError(path, f"[{table}]: a share year has 4 digits",
                             line=line_of(text, table), value=year_text)
        values = check_table(path, text, table, entry, YEAR_KEYS)
        deadlines[int(year_text)] = _deadline(path, text, table, "deadline", values["deadline"],
                                              int(year_text))
    rule_deadline = _deadline(path, text, "round", "deadline_month_day", month_day, share_year)
    contacts = stand_in if illustrative else common
    return ReviewRound(share_year, deadlines.get(share_year, rule_deadline),
                       contacts["return_address"].strip(), contacts["contact"].strip())


def _deadline(path: Path, text: str, table: str, key: str, value: str, share_year: int) -> date:
    """A "YYYY-MM-DD" date, or a "MM-DD" day of the year before the share year."""
    year_before = share_year - 1
    where = {"line": line_of(text, table, key), "column": key, "value": value}
    month_day = _MONTH_DAY.fullmatch(value)
    if key == "deadline_month_day":
        if not month_day:
            raise InputError(path, f"{key} must be a month and day written \"MM-DD\", e.g. "
                             "\"12-05\"", **where)
        text_date = f"{year_before}-{value}"
    else:
        if not _ISO_DATE.fullmatch(value):
            raise InputError(path, f"{key} must be a date written \"YYYY-MM-DD\", e.g. "
                             f"\"{year_before}-12-05\"", **where)
        text_date = value
    try:
        deadline = date.fromisoformat(text_date)
    except ValueError:
        raise InputError(path, f"{key} is not a date in {year_before}", **where) from None
    if deadline.year != year_before:
        raise InputError(path, f"{key} must lie in {year_before}, the year before share year "
                         f"{share_year}, when the county boards review the draft", **where)
    return deadline


def review_deadline(path: Path, share_year: int) -> date:
    """The deadline of `share_year`'s review round (the same whichever contact details the round
    sends out)."""
    return load_review_round(path, share_year, illustrative=False).deadline
