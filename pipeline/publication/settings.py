"""What a published table states besides the shares, from `data/publication.toml`: the issuer,
the diarienummer, the contact and the default decision day. (The planning figure of the expected
children is in `data/prognosis.toml`, beside the site's scenarios: `pipeline.goals.prognosis`.)

The file has a fixed schema: every key is required, no other key is allowed, each has one type
and one rule. A bad file is an InputError naming the file, the line, the key and the rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.files import parse_toml
from pipeline.core.text import describe_character, first_unsafe

_DAY = re.compile(r"^([0-9]{2})-([0-9]{2})$")


@dataclass(frozen=True)
class PublicationSettings:
    """The configured statements of every edition (Swedish text as the agency writes it)."""

    issuer: str
    diarienummer: str
    contact: str
    decision_day: tuple[int, int]  # (month, day) in December of the year before the share year

    def default_decision_date(self, share_year: int) -> date:
        month, day = self.decision_day
        return date(share_year - 1, month, day)


def _text(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty text in quotes"
    if len(value) > 200 or any(ord(c) < 32 for c in value):
        return "must be one line of at most 200 characters"
    bad = first_unsafe(value)  # the same characters refused in every other text that enters
    if bad is not None:
        return f"holds {describe_character(bad.group())}, which is not allowed"
    return None


def _decision_day(value: object) -> str | None:
    match = _DAY.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return 'must be a day of December written "MM-DD" in quotes, e.g. "12-15"'
    month, day = int(match.group(1)), int(match.group(2))
    if month != 12 or not 1 <= day <= 31:
        return ('must be a day of December ("12-01" to "12-31"): the table is decided in the '
                'December before the share year')
    return None


SCHEMA: dict[str, Callable[[object], str | None]] = {
    "issuer": _text,
    "diarienummer": _text,
    "contact": _text,
    "decision_day": _decision_day,
}
# Keys that moved to another file, with where they went.
MOVED = {"planning_children": "the planning figure is planning_scenario and the [prognosis.<year>] "
                              "tables of prognosis.toml beside this file"}


def load_publication_settings(path: Path) -> PublicationSettings:
    """Read and check `data/publication.toml`; raises InputError naming file, line, key, rule."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "the publication settings file is missing "
                         f"(keys: {', '.join(SCHEMA)})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"not readable UTF-8 text ({type(error).__name__})") from None
    document = parse_toml(path, text)
    for key, value in document.items():
        if key in MOVED:
            raise InputError(path, f"no longer read here: {MOVED[key]}; remove it",
                             line=_line_of(text, key), column=key, value=_shown(value))
        if key not in SCHEMA:
            raise InputError(path, f"unknown key; the keys are {', '.join(SCHEMA)}",
                             line=_line_of(text, key), column=key, value=_shown(value))
    for key, rule in SCHEMA.items():
        if key not in document:
            raise InputError(path, f"the key {key} is missing", column=key)
        problem = rule(document[key])
        if problem is not None:
            raise InputError(path, f"{key} {problem}", line=_line_of(text, key), column=key,
                             value=_shown(document[key]))
    month, day = (int(part) for part in document["decision_day"].split("-"))
    return PublicationSettings(
        issuer=document["issuer"].strip(),
        diarienummer=document["diarienummer"].strip(),
        contact=document["contact"].strip(),
        decision_day=(month, day),
    )


def _line_of(text: str, key: str) -> int | None:
    name = re.escape(key)
    pattern = re.compile(rf"^\s*(?:{name}\s*=|\[\s*{name}\s*[\].])")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def _shown(value: object) -> object:
    return value if isinstance(value, str | int | float) else type(value).__name__
