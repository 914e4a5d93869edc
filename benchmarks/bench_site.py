"""Benchmark building the whole statistics website (the index, the large map, the documents
page, 21 county and 290 municipality pages, and a copy of every published edition).

    .venv/bin/python benchmarks/bench_site.py [--data-dir data] [--out-dir out]
                                              [--as-of 2026-11-27] [--runs 5]

Needs an out folder with published share years (`make run`). The site is built into a temporary
copy of the out folder, so `out/site/` is untouched. Prints the median wall time of collecting
the inputs and of rendering and writing the site, and of the two together, over `--runs` builds
(after one warm-up build), the CPU time, and the load average, since the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "out")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 27))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    from pipeline.site import build_site, collect_inputs
    imported = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out"
        shutil.copytree(args.out_dir, out, symlinks=True,
                        ignore=shutil.ignore_patterns("site", ".site-*"))
        collect, render, total, cpu = [], [], [], []
        for run in range(args.runs + 1):
            c0 = _cpu()
            t0 = time.perf_counter()
            inputs = collect_inputs(args.data_dir, out, args.as_of)
            t1 = time.perf_counter()
            index = build_site(inputs, out)
            t2 = time.perf_counter()
            if run:  # the first build is the warm-up
                collect.append(t1 - t0)
                render.append(t2 - t1)
                total.append(t2 - t0)
                cpu.append(_cpu() - c0)
        pages = len(list(index.parent.rglob("*.html")))
        size = sum(p.stat().st_size for p in index.parent.rglob("*") if p.is_file())

    print(f"site: {pages} pages, {size / 1e6:.1f} MB; import of pipeline.site {imported:.2f} s")
    print(f"collect inputs  median {statistics.median(collect):.3f} s")
    print(f"render + write  median {statistics.median(render):.3f} s")
    print(f"whole build     median {statistics.median(total):.3f} s "
          f"(min {min(total):.3f}, max {max(total):.3f}, {args.runs} runs)")
    print(f"CPU time        median {statistics.median(cpu):.3f} s")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


def _cpu() -> float:
    """User + system CPU seconds of this process and its finished child processes (the returned
    forms are read in one): steadier than wall time on a shared machine."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
