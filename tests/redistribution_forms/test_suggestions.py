"""A municipality typed without its diacritics or with a small typo is refused with the names
probably meant; nothing is ever accepted on a guess."""

from __future__ import annotations

import pytest

from pipeline.redistribution.forms.values import Refused, parse_municipality


@pytest.mark.parametrize(("typed", "meant"), [
    ("Malmo", "menade du Malmö (1280)?"),
    ("goteborg", "menade du Göteborg (1480)?"),
    ("Upplands Vasby", "menade du Upplands Väsby (0114)?"),
    ("Orebro", "menade du Örebro (1880)?"),
    ("Stockholmm", "menade du Stockholm (0180)?"),
    ("Götebrog", "menade du Göteborg (1480)?"),
    ("Hábo", "menade du Håbo (0305) eller Habo (0643)?"),
])
def test_a_near_miss_is_refused_with_what_was_probably_meant(index, typed, meant) -> None:
    refused = parse_municipality(typed, index)
    assert isinstance(refused, Refused)
    assert refused.reason.startswith(f"Okänt kommunnamn ”{typed}” – {meant} Skriv namnet")


def test_a_name_typed_exactly_is_taken_as_it_stands(index) -> None:
    assert parse_municipality("Habo", index).code == "0643"
    assert parse_municipality("Håbo", index).code == "0305"


def test_nothing_close_suggests_nothing(index) -> None:
    refused = parse_municipality("Xyzzy", index)
    assert refused.reason == ("Okänt kommunnamn ”Xyzzy”: skriv namnet exakt som i "
                              "kommunregistret, med å, ä och ö, eller ange kommunkoden")
