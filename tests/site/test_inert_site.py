"""Outside text on the site is escaped exactly once: a municipality name or a reference holding
markup reads as that text on the page, never as markup and never as entity codes."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

import pytest

from pipeline.core.geography import project
from pipeline.site.charts import Charts
from pipeline.site.county_page import county_page
from pipeline.site.markup import Context
from pipeline.site.municipality_page import municipality_page

pytestmark = pytest.mark.slow

NAME = "<script>alert('namn')</script> & Co"
REFERENCE = "Lst <b>851</b> & 1-2025"


class Texts(HTMLParser):
    """What a reader sees: the text of the page and of the attributes read aloud."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        self.texts += [value for key, value in attrs if key in ("aria-label",) and value]

    def handle_data(self, data) -> None:
        self.texts.append(data)


def read(page: str) -> Texts:
    texts = Texts()
    texts.feed(page)
    return texts


def context(inputs) -> Context:
    return Context(inputs=inputs, charts=Charts(inputs.years, sorted(inputs.publications),
                                                [h.when for h in inputs.history]),
                   projected=project(inputs.features))


def test_a_name_and_a_reference_with_markup_read_as_text_once_escaped(inputs) -> None:
    transfer = inputs.transfers[0]
    named = replace(next(m for m in inputs.municipalities if m.code == transfer.giver), name=NAME)
    changed = replace(
        inputs,
        municipalities=[named if m.code == named.code else m for m in inputs.municipalities],
        transfers=[replace(transfer, reference=REFERENCE), *inputs.transfers[1:]])
    ctx, before = context(changed), context(inputs)
    original = next(m for m in inputs.municipalities if m.code == named.code)
    for page, unchanged in (
            (municipality_page(ctx, named), municipality_page(before, original)),
            (county_page(ctx, named.county_code, named.county_name),
             county_page(before, named.county_code, named.county_name))):
        seen = read(page)
        assert seen.tags == read(unchanged).tags, "the text became markup"
        joined = "\n".join(seen.texts)
        assert "&lt;" not in joined and "&amp;" not in joined, "escaped twice"
        assert NAME in joined
    assert REFERENCE in "\n".join(read(municipality_page(ctx, named)).texts)
