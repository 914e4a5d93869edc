"""The one inert-text policy: which characters text from outside may not hold, and how a
message shows text that holds them.

Control characters, line and paragraph separators and bidirectional controls in a name, a
reference, a reason or a parameter would pass as text and break a later step (a CSV, a workbook,
a PDF), forge a line of a message or make one name look like another. They are refused where the
text enters (`first_unsafe`; `pipeline.core.text.checked_text` and `checked_option` raise the
errors), and every message that quotes outside text quotes it through `shown`, so that even text
never checked (a name in a folder listing) cannot forge a line or turn text around. This module
imports nothing of the project, so that `pipeline.core.errors` can show file names with it.
"""

from __future__ import annotations

import re
import unicodedata

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


def shown(text: str) -> str:
    """`text` for a message: every character `first_unsafe` refuses spelled out as an escape
    ("a\\nb", "\\u202e"), the rest unchanged (å, ä and ö stay readable)."""
    return _IN_VALUE.sub(lambda bad: bad.group().encode("unicode_escape").decode("ascii"), text)
