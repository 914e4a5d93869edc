"""Which contact details may stand in an illustrative output: only clearly fictional ones."""

from __future__ import annotations

import pytest

from pipeline.core.fictional import real_looking_contacts


@pytest.mark.parametrize(("text", "found"), [
    ("e-post migrationsverket@migrationsverket.se (ange län)",
     ["migrationsverket@migrationsverket.se"]),
    ("Migrationsverket, telefon 0771-235 235", ["0771-235 235"]),
    ("ring +46 771 235 235", ["+46 771 235 235"]),
    ("Tel. 0920-23 45 67", ["0920-23 45 67"]),
    ("se www.lansstyrelsen.se/norrbotten", ["www.lansstyrelsen.se"]),
    ("https://www.scb.se/hitta-statistik", ["www.scb.se"]),
    ("skriv till registrator@lansstyrelsen.se", ["registrator@lansstyrelsen.se"]),
    ("Migrationsverket, 601 70 Norrköping", ["601 70"]),
])
def test_real_looking_contacts_are_found(text: str, found: list[str]) -> None:
    assert real_looking_contacts(text) == found


@pytest.mark.parametrize("text", [
    "e-post omfordelning@example.org, fragor@sub.example.com",
    "www.example.net och test.invalid",
    "telefon 000-000 00 00", "000 00 Exempelstad",
    # what the outputs hold besides contacts: dates, diarienummer, codes, figures, file names
    "2025-12-05", "Lst AB 851-12345-2025", "0114 Upplands Väsby", "folkmängd 10 587 710",
    "0,25 ‰ av 1 000,00 ‰", "shares_2026.csv och draft_shares_2026.json", "version 1.2.3",
])
def test_fictional_contacts_and_ordinary_text_pass(text: str) -> None:
    assert real_looking_contacts(text) == []
