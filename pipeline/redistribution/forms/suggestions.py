"""Which municipality someone probably meant by a name the register does not have.

Never a guess that is accepted: a suggestion only goes into the refusal ("menade du Malmö
(1280)?"), for the person to type again. Two kinds of slip are caught:

* the name without its diacritics, or with other ones ("Malmo", "Goteborg", "Hábo"): every
  municipality whose name is the same once å, ä, ö, é … are stripped from both, so "Habo" typed
  for Håbo suggests both Håbo (0305) and Habo (0643) when neither was typed exactly;
* a small typo ("Stockholmm", "Götebrog"): the names closest by difflib's ratio, compared with
  and without diacritics, at least CUTOFF alike.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

from pipeline.ingestion.register import Municipality

CUTOFF = 0.8
MOST = 3


def closest_municipalities(typed: str, municipalities: Iterable[Municipality]
                           ) -> list[Municipality]:
    """Up to MOST municipalities `typed` may have meant, best first, in register order among
    equals; none when nothing is close."""
    candidates = list(municipalities)
    wanted, bare = _folded(typed), _bare(typed)
    same_letters = [m for m in candidates if _bare(m.name) == bare and _folded(m.name) != wanted]
    if same_letters:
        return same_letters[:MOST]
    scored = []
    for municipality in candidates:
        score = max(difflib.SequenceMatcher(None, wanted, _folded(municipality.name)).ratio(),
                    difflib.SequenceMatcher(None, bare, _bare(municipality.name)).ratio())
        if score >= CUTOFF:
            scored.append((score, municipality))
    scored.sort(key=lambda pair: -pair[0])
    return [municipality for _, municipality in scored[:MOST]]


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _bare(text: str) -> str:
    """Without diacritics: "Malmö" and "Malmo" both "malmo"."""
    decomposed = unicodedata.normalize("NFD", _folded(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
