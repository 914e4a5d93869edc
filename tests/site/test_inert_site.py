"""Outside text on the site is escaped exactly once: a municipality name or a reference holding
markup reads as that text on the page, never as markup and never as entity codes. A build killed
mid-way leaves nothing once the next build has run."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from pipeline.core.geography import project
from pipeline.site.charts import Charts
from pipeline.site.county_page import county_page
from pipeline.site.markup import Context
from pipeline.site.municipality_page import municipality_page
from tests.conftest import REPO
from tests.site.conftest import AS_OF

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


# A build that kills itself (SIGKILL, no clean-up) after writing a few files, in one process.
KILLED_BUILD = """
import os, signal, sys
from datetime import date
import pipeline.site.render as render
real, calls = render._write, []
def write_then_die(*args):
    real(*args)
    calls.append(1)
    if len(calls) == 8:
        os.kill(os.getpid(), signal.SIGKILL)
render._write = write_then_die
render.build_site_from_folders(sys.argv[1], sys.argv[2], date.fromisoformat(sys.argv[3]))
"""


def test_a_build_killed_mid_way_leaves_nothing_once_the_next_has_run(published, tmp_path):
    from pipeline.site import build_site_from_folders

    data, published_out = published
    out = tmp_path / "out"
    shutil.copytree(published_out, out, symlinks=True)
    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(data), str(out),
                             AS_OF.isoformat()], cwd=REPO, check=False)
    assert killed.returncode == -signal.SIGKILL
    litter = [p.name for p in out.iterdir() if p.name.startswith(".site")]
    assert len(litter) == 1 and list((out / litter[0]).rglob("*.html"))
    build_site_from_folders(data, out, AS_OF)
    assert [p.name for p in out.iterdir() if p.name.startswith(".site")] == []
    assert (out / "site" / "index.html").is_file()
