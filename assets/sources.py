"""The inputs that change outside a run, as observable source assets: the assignment ledger, the
agreement files and the folders of forms the county boards return. Their data versions are their
files' hashes, so the asset graph knows when what depends on them is stale (the UI marks it, and
the sensors request the runs that bring it up to date)."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import dagster as dg

from assets.resources import RunSettings
from pipeline.core.files import sha256_file
from pipeline.core.layout import Layout

GROUP = "sources"
OWNERS = ["team:statistics"]


def files_version(paths: list[Path], root: Path) -> str:
    """One hash over the files' names (relative to `root`) and contents; "absent" for none."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(f"{path.relative_to(root).as_posix()}\0{sha256_file(path)}\n".encode())
    return digest.hexdigest() if paths else "absent"


def ledger_version(layout: Layout) -> str:
    path = layout.ledger
    return sha256_file(path) if path.is_file() else "absent"


def agreement_files_version(layout: Layout) -> str:
    root = layout.redistributions
    return files_version(list(root.glob("[0-9][0-9][0-9][0-9].csv")) if root.is_dir() else [],
                         root)


def returned_forms_version(layout: Layout) -> str:
    root = layout.redistributions
    files = [p for p in root.glob("[0-9][0-9][0-9][0-9]/*") if p.is_file()
             and not p.name.startswith(("~$", ".~lock."))] if root.is_dir() else []
    return files_version(files, root)


def _source(name: str, kind: str, description: str, version):
    spec = dg.AssetSpec(name, description=description, group_name=GROUP, kinds={kind},
                        owners=OWNERS)

    def observe(settings: RunSettings):
        yield dg.ObserveResult(asset_key=name,
                               data_version=dg.DataVersion(version(settings.layout)))

    # Dagster marks multi_observable_source_asset as beta with a warning on every import; the
    # CLI's stderr is for the user's error alone.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=dg.BetaWarning)
        return dg.multi_observable_source_asset(specs=[spec], name=f"observe_{name}")(observe)


ledger = _source("ledger", "csv", "The assignment ledger (anvisningar), "
                 "`data/ledger/assignments.csv`: every assignment since 2016-01-01. Its data "
                 "version is the file's SHA-256.", ledger_version)
agreement_files = _source("agreement_files", "csv", "The agency's agreement files, "
                          "`data/redistributions/YYYY.csv`, one per share year; data version "
                          "from their hashes.", agreement_files_version)
returned_forms = _source("returned_forms", "excel", "The forms the county boards returned: "
                         "any file in `data/redistributions/YYYY/` (xlsx, xlsm, ods, xls); "
                         "data version from their hashes.", returned_forms_version)
