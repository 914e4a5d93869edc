"""The three answers at the top of a municipality's page, on made-up inputs worked by hand: the
share and the place in the queue; the children so far against what the share implies, goal
fulfilment against a whole-number target and why it can be high in a year without a child; the
children to expect for the rest of the year and, once published, next year."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction
from html import unescape

import pytest

from pipeline.ingestion.register import Municipality
from pipeline.site.answers import answers, half_up, implied_so_far
from pipeline.site.charts import Charts
from pipeline.site.inputs import NextYear, Publication, Scenario, SiteInputs, Status
from pipeline.site.markup import Context

NBSP = "\u00a0"


@pytest.mark.parametrize(("value", "whole"), [
    (Fraction(5, 2), 3), (Fraction(7, 3), 2), (Fraction(0), 0), (Fraction(1, 2), 1),
    (Fraction(31941, 100), 319),
])
def test_half_up(value, whole):
    assert half_up(value) == whole


def test_what_the_share_implies_of_the_children_so_far():
    # 37,84 ‰ of 369 children = 13,96… -> 14; 2,15 ‰ of 369 = 0,79… -> 1; 1,00 ‰ of 500 = 0,5 -> 1
    assert implied_so_far(3784, 2, 369) == 14
    assert implied_so_far(215, 2, 369) == 1
    assert implied_so_far(100, 2, 500) == 1
    assert implied_so_far(0, 2, 369) == 0


def inputs(next_year: NextYear | None = None) -> SiteInputs:
    """Three municipalities; Kiruna has received no child in 2026."""
    municipalities = [Municipality("1280", "Malmö", "12", "Skåne län"),
                      Municipality("2584", "Kiruna", "25", "Norrbottens län"),
                      Municipality("0999", "Nollby", "09", "Gotlands län")]
    shares = {"1280": 3784, "2584": 215, "0999": 0}
    publication = Publication(
        year=2026, version=1, decision_date=date(2025, 12, 15), decimals=2,
        parameter_set="standard", illustrative_inputs=(), shares=shares, calculated=shares,
        given=dict.fromkeys(shares, 0), received=dict.fromkeys(shares, 0))
    status = {"1280": Status(3784, 310, 319.41, 97.1, 21),
              "2584": Status(215, 18, 18.15, 99.2, 105),
              "0999": Status(0, 2, 0.0, None, None)}
    scenarios = [Scenario(key, national, national - 369,
                          {"1280": low, "2584": 0, "0999": 0}, {})
                 for key, national, low in (("low", 390, 0), ("base", 410, 1), ("high", 440, 3))]
    return SiteInputs(
        as_of=date(2026, 12, 7), municipalities=municipalities,
        publications={2026: publication}, shown_year=2026, status=status,
        total_assigned=8441, years=[2026],
        yearly={"1280": {2026: (10, 2)}, "2584": {2025: (0, 0)}, "0999": {2026: (0, 1)}},
        history=[], transfers=[], features={}, assigned_this_year=369, scenarios=scenarios,
        next_year=next_year)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).replace(NBSP, " ")


def top(site: SiteInputs, code: str) -> str:
    ctx = Context(site, Charts(site.years, [2026], []))
    municipality = next(m for m in site.municipalities if m.code == code)
    return text(answers(ctx, municipality))


def test_the_three_answers_for_malmo():
    page = top(inputs(), "1280")
    assert "Andelstal 2026 37,84 ‰" in page
    assert "Plats i kön : 21 av 2 för nästa utjämnande anvisning" in page  # two in the queue
    assert "Anvisade 2026 12 barn hittills 2026; andelstalet motsvarar 14 barn av de 369" in page
    assert "Måluppfyllelse sedan 2016: 97,1 % – 310 barn mot målet 319 barn" in page
    assert "andelstalet i promille av alla 8 441 barn sedan 1 januari 2016" in page
    assert "Att vänta 0–3 barn resten av 2026 (låg 0, bas 1, hög 3), om 390–440 barn" in page
    assert "319,41" not in page  # the target is a whole number of children


def test_a_year_without_a_child_says_why_fulfilment_can_still_be_high():
    page = top(inputs(), "2584")
    assert "Anvisade 2026 0 barn" in page
    assert "99,2 %" in page
    assert "Kiruna har inget barn 2026, men alla år sedan 2016 räknas" in page
    assert "Att vänta 0 barn" in page


def test_a_municipality_without_a_share_is_not_in_the_queue():
    page = top(inputs(), "0999")
    assert "Andelstal 0: inga utjämnande anvisningar, inte i kön" in page
    assert "Måluppfyllelse" not in page


def test_next_years_table_gives_next_years_children():
    page = top(inputs(NextYear(2027, False, (450,), ({"1280": 17, "2584": 1, "0999": 0},))),
               "1280")
    assert ("2027: 17 barn enligt de publicerade andelstalen för 2027, om 450 barn anvisas i "
            "landet") in page
    assert "2027" not in top(inputs(), "1280")


def test_next_years_draft_gives_a_range_over_its_scenarios():
    draft = NextYear(2027, True, (400, 420, 470),
                     ({"1280": 12}, {"1280": 14}, {"1280": 16}))
    page = top(inputs(draft), "1280")
    assert ("2027: 12–16 barn enligt utkastet till andelstal för 2027, om 400–470 barn anvisas i "
            "landet") in page


def test_without_a_prognosis_the_third_answer_says_so():
    site = inputs()
    site.scenarios = []
    assert "Att vänta – Ingen nationell prognos för resten av 2026 finns inlagd" in top(site,
                                                                                         "1280")
