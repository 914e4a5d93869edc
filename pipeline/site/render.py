"""Build the static site: `<out>/site/index.html`, `lan/<county>.html` (21),
`kommun/<code>.html` (290), `style.css` and `site.js`.

The site is built complete in a temporary folder beside `site/` and then swapped in, so a reader
sees the old site or the new one. The pages are rendered by forked worker processes when the
machine has more than one core: ~90 % of a build's CPU time is matplotlib drawing the ~700
distinct charts (~7 ms each), which parallelises perfectly.
"""

from __future__ import annotations

import os
import shutil
import threading
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from pipeline.core.errors import AnvisningError
from pipeline.core.files import staging_folder
from pipeline.core.geography import project
from pipeline.site.charts import Charts
from pipeline.site.collect import collect_inputs
from pipeline.site.county_page import county_page
from pipeline.site.index_page import index_page
from pipeline.site.inputs import SiteInputs
from pipeline.site.markup import Context
from pipeline.site.municipality_page import municipality_page
from pipeline.site.static import SCRIPT, STYLE

SITE_DIR = "site"
_CONTEXT: Context | None = None  # the worker processes' copy (inherited by fork)
_BATCH = 10


def build_site_from_folders(data_dir: Path, out_dir: Path, as_of: date,
                            workers: int | None = None) -> Path:
    """Collect the inputs from `data_dir` and the published years under `out_dir`, and build
    `<out_dir>/site/`. Returns the path of `index.html`. Errors are AnvisningError/InputError
    naming the file and the rule."""
    inputs = collect_inputs(Path(data_dir), Path(out_dir), as_of)
    return build_site(inputs, Path(out_dir), workers=workers)


def build_site(inputs: SiteInputs, out_dir: Path, workers: int | None = None) -> Path:
    """Write the whole site under `<out_dir>/site/` and return the path of its index.html."""
    global _CONTEXT
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    history = [h.when for h in inputs.history]
    ctx = Context(inputs=inputs,
                  charts=Charts(inputs.years, sorted(inputs.publications), history),
                  projected=project(inputs.features))
    staging = staging_folder(out_dir, ".site-")
    tasks = _tasks(inputs)
    try:
        for folder in ("kommun", "lan"):
            (staging / folder).mkdir()
        _write(staging / "style.css", STYLE)
        _write(staging / "site.js", SCRIPT)
        workers = _workers(workers, len(inputs.municipalities))
        if workers > 1:
            _CONTEXT = ctx
            try:
                with ProcessPoolExecutor(workers, mp_context=_fork()) as pool:
                    for error in pool.map(_render_task, [str(staging)] * len(tasks), tasks):
                        if error:
                            raise AnvisningError(error)
            finally:
                _CONTEXT = None
        else:
            for task in tasks:
                _render(ctx, staging, task)
        os.chmod(staging, 0o755)
        _swap(staging, out_dir / SITE_DIR)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir / SITE_DIR / "index.html"


def _workers(requested: int | None, pages: int) -> int:
    """Worker processes: as asked, else one per core (at most 4) — but none in a process that
    runs other threads (a Dagster run, a web server): a forked child could inherit a lock that
    another thread holds, and hang."""
    if requested is not None:
        return max(1, requested)
    if pages < 50 or _fork() is None or threading.active_count() > 1:
        return 1
    return max(1, min(4, len(os.sched_getaffinity(0))))


def _fork():
    import multiprocessing

    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def _tasks(inputs: SiteInputs) -> list[tuple[str, ...]]:
    """The pages as tasks of similar size for the workers: the index (map, 290-row table) first,
    the county pages, then the municipality pages in batches."""
    tasks: list[tuple[str, ...]] = [("index",)]
    tasks += [("county", code, name) for code, name in inputs.counties]
    codes = [m.code for m in inputs.municipalities]
    tasks += [("municipalities", *codes[i:i + _BATCH]) for i in range(0, len(codes), _BATCH)]
    return tasks


def _render_task(staging: str, task: tuple[str, ...]) -> str | None:
    assert _CONTEXT is not None
    try:
        _render(_CONTEXT, Path(staging), task)
    except Exception as error:  # reported to the parent as text: no pickling of odd errors
        return f"{type(error).__name__}: {error}"
    return None


def _render(ctx: Context, staging: Path, task: tuple[str, ...]) -> None:
    kind, *rest = task
    if kind == "index":
        _write(staging / "index.html", index_page(ctx))
    elif kind == "county":
        code, name = rest
        _write(staging / "lan" / f"{code}.html", county_page(ctx, code, name))
    else:
        by_code = {m.code: m for m in ctx.inputs.municipalities}
        for code in rest:
            _write(staging / "kommun" / f"{code}.html", municipality_page(ctx, by_code[code]))


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
