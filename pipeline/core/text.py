"""Text a person typed or a publisher wrote: refused where it enters when it breaks the
inert-text policy (`pipeline.core.inert`), naming the code point and where it was; and the small
text helpers every output shares (NFC, county slugs, year ranges)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pipeline.core.errors import AnvisningError, InputError
from pipeline.core.inert import describe_character, first_unsafe, shown


def checked_text(path: str | Path, text: str, *, line: int | None = None,
                 column: str | None = None, sheet: str | None = None) -> str:
    """`text` unchanged, or an InputError naming the character and where it stands."""
    bad = first_unsafe(text)
    if bad is not None:
        raise InputError(path, f"the text holds {describe_character(bad.group())}, which is not "
                         "allowed in a name, reference or parameter", line=line, column=column,
                         sheet=sheet, value=text.encode("unicode_escape").decode("ascii"))
    return text


def checked_option(option: str, text: str) -> str:
    """`text` given for `option` (a command-line option, a run setting) unchanged, or an
    AnvisningError naming the option, the character and the text shown escaped."""
    bad = first_unsafe(text)
    if bad is not None:
        raise AnvisningError(f"{option} holds {describe_character(bad.group())}, which is not "
                             f"allowed in a name, reference or reason: '{shown(text)}'")
    return text


def nfc(text: str) -> str:
    """Unicode NFC: "Österåker" typed with combining marks (NFD) equals the register's."""
    return unicodedata.normalize("NFC", text)


_SLUG_LETTERS = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def county_slug(name: str) -> str:
    """An ASCII file-name slug of a county name: "Västra Götalands län" -> "vastra-gotalands-lan"
    (å and ä become a, ö becomes o, spaces and other signs a hyphen, lower case)."""
    text = unicodedata.normalize("NFC", name).casefold().translate(_SLUG_LETTERS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def year_ranges(years: list[int]) -> str:
    """Years as a reader writes them: [2017, 2019, 2020, 2021] -> "2017, 2019–2021"."""
    if not years:
        return ""
    parts, start = [], years[0]
    for previous, year in zip(years, [*years[1:], None], strict=True):
        if year != previous + 1:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
            start = year
    return ", ".join(parts)
