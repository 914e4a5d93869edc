"""Text a person typed or a publisher wrote: the one inert-text policy.

Control characters, line and paragraph separators and bidirectional overrides in a name, a
reference, a reason or a parameter would pass as text and break a later step (a CSV, a workbook,
a PDF), forge a line of a message or make one name look like another. They are refused where the
text enters (`first_unsafe`, `checked_text`), naming the code point and where it was; and every
message that quotes outside text, such as a file name, quotes it through `shown`, so that even
text never checked (a name in a folder listing) cannot forge a line or turn text around.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pipeline.core.errors import AnvisningError, InputError

# In one value (a name, a reference): C0 and C1 controls (tab allowed), DEL, the line and
# paragraph separators, and the bidirectional marks, embeddings, overrides and isolates.
_IN_VALUE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c"
                       "\u202a-\u202e\u2066-\u2069]")
# In a whole text file: the same, except that lines end with \n or \r\n.
_IN_FILE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c"
                      "\u202a-\u202e\u2066-\u2069]")


def describe_character(character: str) -> str:
    """"U+2028 LINE SEPARATOR": how an error names an unwanted character."""
    name = unicodedata.name(character, "control character")
    return f"U+{ord(character):04X} {name}"


def first_unsafe(text: str, *, whole_file: bool = False) -> re.Match | None:
    return (_IN_FILE if whole_file else _IN_VALUE).search(text)


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


def shown(text: str) -> str:
    """`text` for a message: every character `first_unsafe` refuses spelled out as an escape
    ("a\\nb", "\\u202e"), the rest unchanged (å, ä and ö stay readable)."""
    return _IN_VALUE.sub(lambda bad: bad.group().encode("unicode_escape").decode("ascii"), text)


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
