"""Build the static site: `<out>/site/index.html`, `karta.html`, `dokument.html`,
`lan/<county>.html` (21), `kommun/<code>.html` (290), `dokument/<Y>/v<N>/…` (every published
edition), `style.css` and `site.js`.

The site is built complete in a temporary folder beside `site/` and then swapped in, so a reader
sees the old site or the new one. Charts are SVG text written from templates, so all pages render
in one process in a fraction of a second (forked workers, which paid off while matplotlib drew
the charts, now only add their start-up).
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

from pipeline.core.files import staging_folder
from pipeline.core.geography import project
from pipeline.site.charts import Charts
from pipeline.site.collect import collect_inputs
from pipeline.site.county_page import county_page
from pipeline.site.documents import copy_documents
from pipeline.site.documents_page import documents_page
from pipeline.site.index_page import index_page
from pipeline.site.inputs import SiteInputs
from pipeline.site.map_page import map_page
from pipeline.site.maps import metro_codes
from pipeline.site.markup import Context
from pipeline.site.municipality_page import municipality_page
from pipeline.site.static import SCRIPT, STYLE

SITE_DIR = "site"


def build_site_from_folders(data_dir: Path, out_dir: Path, as_of: date) -> Path:
    """Collect the inputs from `data_dir` and the published years under `out_dir`, and build
    `<out_dir>/site/`. Returns the path of `index.html`. Errors are AnvisningError/InputError
    naming the file and the rule."""
    inputs = collect_inputs(Path(data_dir), Path(out_dir), as_of)
    return build_site(inputs, Path(out_dir))


def build_site(inputs: SiteInputs, out_dir: Path) -> Path:
    """Write the whole site under `<out_dir>/site/` and return the path of its index.html."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = context(inputs)
    staging = staging_folder(out_dir, ".site-")
    try:
        for folder in ("kommun", "lan"):
            (staging / folder).mkdir()
        _write(staging / "style.css", STYLE)
        _write(staging / "site.js", SCRIPT)
        copy_documents(inputs.documents, staging)
        _write(staging / "index.html", index_page(ctx))
        _write(staging / "karta.html", map_page(ctx))
        _write(staging / "dokument.html", documents_page(ctx))
        for code, name in inputs.counties:
            _write(staging / "lan" / f"{code}.html", county_page(ctx, code, name))
        for m in inputs.municipalities:
            _write(staging / "kommun" / f"{m.code}.html", municipality_page(ctx, m))
        os.chmod(staging, 0o755)
        _swap(staging, out_dir / SITE_DIR)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir / SITE_DIR / "index.html"


def context(inputs: SiteInputs) -> Context:
    """The charts and the map projections every page draws from: Sweden, the metropolitan
    insets and each county, each projected in its own frame."""
    features = inputs.features
    county_of = {m.code: m.county_code for m in inputs.municipalities}
    counties = {code: project({c: features[c] for c, county in county_of.items()
                                          if county == code})
                for code, _ in inputs.counties}
    insets = tuple((name, project({c: features[c] for c in codes}))
                   for name, codes in metro_codes(county_of))
    return Context(inputs=inputs,
                   charts=Charts(inputs.years, sorted(inputs.publications),
                                 [h.when for h in inputs.history]),
                   projected=project(features), insets=insets, county_maps=counties)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _swap(staging: Path, target: Path) -> None:
    """Replace `target` by `staging`: two renames, the old site removed afterwards."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-{os.getpid()}-old")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
