"""Time the August comparison for one share year: the five shipped variants of data/variants.toml
(the standard and four others) through the model, compared, stored in DuckDB and written as the
CSV, the workbook and the memo (`pipeline.variants.service.propose_variants`, the step that
`model_variants` and `anvisning variants` run), against the standard draft's model alone.

Run: .venv/bin/python benchmarks/bench_variants.py [--runs N]
Target: the whole step at most 1 s beyond the draft's model. The warehouse is a temporary DuckDB
file holding share year 2026's shipped inputs, as ingestion and share_basis leave it. Printed: the
median of N runs of each phase and of the whole step, in wall time and in the process's CPU time
(on a shared machine the wall time grows with the load; the CPU time much less), and the load
average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipeline.core.geography import load_features, project
from pipeline.core.layout import Layout
from pipeline.ingestion.register import load_register
from pipeline.ingestion.registry import STATISTICS
from pipeline.ingestion.statistics import load_statistic
from pipeline.model.parameters import load_parameters
from pipeline.model.shares import compute_shares, days_in_year
from pipeline.model.validation import validate_draft
from pipeline.variants.catalogue import load_variants
from pipeline.variants.comparison import compare_variants, comparison_csv
from pipeline.variants.memo import memo_pdf
from pipeline.variants.service import propose_variants
from pipeline.variants.workbook import workbook_bytes
from pipeline.warehouse.sql import create_tables, execute, query

SHARE_YEAR = 2026
TARGET_SECONDS = 1.0
DATA = Path(__file__).resolve().parent.parent / "data"


def seed(path: Path, layout: Layout) -> None:
    """Share year 2026's register, statistics and share basis, as the ingestion step stores them."""
    reference_year = load_parameters(layout.parameters, SHARE_YEAR).reference_year(SHARE_YEAR)
    register = load_register(layout.register)
    with duckdb.connect(str(path)) as conn:
        create_tables(conn)
        execute(conn, "replace_register", incoming=register, share_year=SHARE_YEAR)
        files = []
        for statistic in STATISTICS:
            loaded = load_statistic(layout.statistics_folder(reference_year), statistic.name,
                                    reference_year, register)
            execute(conn, "replace_statistic", table=statistic.name,
                    incoming=loaded.values.rename({statistic.name: "value"}),
                    share_year=SHARE_YEAR, reference_year=reference_year)
            files.append({"statistic": statistic.name, "path": str(loaded.file.path),
                          "sha256": loaded.file.sha256, "illustrative": loaded.file.illustrative,
                          "source": loaded.file.source})
        execute(conn, "replace_input_files", incoming=pl.DataFrame(files), share_year=SHARE_YEAR)
        execute(conn, "replace_share_basis", share_year=SHARE_YEAR)


def median_seconds(runs: int, work: Callable[[], object]) -> tuple[float, float]:
    """The medians of the wall time and of the process's CPU time of `runs` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="bench-variants-") as folder:
        layout = Layout(DATA, Path(folder) / "out")
        warehouse = Path(folder) / "warehouse.duckdb"
        seed(warehouse, layout)
        with duckdb.connect(str(warehouse)) as conn:
            basis = query(conn, "share_basis_for_year", share_year=SHARE_YEAR)
        codes = basis["municipality_code"].to_list()
        standard = load_parameters(layout.parameters, SHARE_YEAR)
        reference_year = standard.reference_year(SHARE_YEAR)
        days = days_in_year(reference_year)
        variants = load_variants(layout.variants, standard, len(codes))
        comparison = compare_variants(basis, variants, days, codes, SHARE_YEAR, reference_year)
        projected = project(load_features(layout.boundaries, codes))
        today = date.today()
        phases = {
            "the draft's model (standard only)": lambda: validate_draft(
                compute_shares(basis, standard, days), standard, codes),
            f"model and comparison, {len(variants)} variants": lambda: compare_variants(
                basis, variants, days, codes, SHARE_YEAR, reference_year),
            "map projection (290 boundaries)": lambda: project(
                load_features(layout.boundaries, codes)),
            "CSV": lambda: comparison_csv(comparison),
            "workbook": lambda: workbook_bytes(comparison, True),
            "memo (typst, 4 maps)": lambda: memo_pdf(comparison, projected, True, today, "x"),
        }
        print(f"share year {SHARE_YEAR}, {len(variants)} variants, median of {runs} runs, load "
              f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"  {'':<40} {'wall ms':>8} {'CPU ms':>8}")
        for label, work in phases.items():
            wall, cpu = median_seconds(runs, work)
            print(f"  {label:<40} {wall * 1000:8.1f} {cpu * 1000:8.1f}")

        def step() -> None:
            with duckdb.connect(str(warehouse)) as conn:
                propose_variants(conn, layout, SHARE_YEAR, today)

        whole = median_seconds(runs, step)
        draft = median_seconds(runs, phases["the draft's model (standard only)"])
        print(f"  {'the whole step (propose_variants)':<40} {whole[0] * 1000:8.1f} "
              f"{whole[1] * 1000:8.1f}")
        for kind, index in (("wall", 0), ("CPU", 1)):
            beyond = whole[index] - draft[index]
            verdict = "within" if beyond <= TARGET_SECONDS else "OVER"
            print(f"beyond the draft's model, {kind} time: {beyond:.2f} s ({verdict} the "
                  f"{TARGET_SECONDS:.0f} s target)")


if __name__ == "__main__":
    main()
