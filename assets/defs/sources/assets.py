"""The inputs that change outside a run, as observable source assets: the assignment ledger, the
agreement files and the folders of forms the county boards return. Their data versions are their
files' hashes, so the asset graph knows when what depends on them is stale (the UI marks it, and
the sensors request the runs that bring it up to date)."""

from __future__ import annotations

import hashlib
import re
import warnings
from pathlib import Path

import dagster as dg

from assets.defs.resources import RunSettings
from pipeline.core.files import sha256_file
from pipeline.core.layout import Layout
from pipeline.goals.register import register_sha256

GROUP = "sources"
OWNERS = ["team:statistics"]


_AGREEMENT_FILE = re.compile(r"^(\d{4})\.csv$")
_YEAR_FOLDER = re.compile(r"^\d{4}$")


def watched_files(folder: Path) -> dict[str, str]:
    """Every agreement file and review workbook under `folder` (relative path -> sha256)."""
    if not folder.is_dir():
        return {}
    candidates = [p for p in folder.iterdir() if p.is_file() and _AGREEMENT_FILE.match(p.name)]
    for year_folder in folder.iterdir():
        if year_folder.is_dir() and _YEAR_FOLDER.match(year_folder.name):
            # Every returned file, whatever its format: a run reads the spreadsheets and names
            # the rest. Lock files of an open spreadsheet come and go and are not watched.
            candidates += [p for p in year_folder.iterdir()
                           if p.is_file() and not p.name.startswith(("~$", ".~lock."))]
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in candidates}


def files_version(files: dict[str, str]) -> str:
    """One hash over files' names and hashes (`watched_files`); "absent" for none."""
    digest = hashlib.sha256()
    for name, sha256 in sorted(files.items()):
        digest.update(f"{name}\0{sha256}\n".encode())
    return digest.hexdigest() if files else "absent"


def ledger_version(layout: Layout) -> str:
    """The register's hash: its assignments and its transfers."""
    path = layout.ledger
    return register_sha256(path) if path.is_file() else "absent"


def agreement_files_version(layout: Layout) -> str:
    """The agency's agreement files: the watched files at the top of the folder."""
    return files_version({name: sha for name, sha in watched_files(layout.redistributions).items()
                          if "/" not in name})


def returned_forms_version(layout: Layout) -> str:
    """The county boards' returned files: the watched files in the share years' folders."""
    return files_version({name: sha for name, sha in watched_files(layout.redistributions).items()
                          if "/" in name})


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


ledger = _source("ledger", "csv", "The register (anvisningsregistret), "
                 "`data/ledger/assignments.csv` and `transfers.csv`: every assignment since "
                 "2016-01-01 with the child's arrival, and the transfers. Its data version is "
                 "the hash of both files.", ledger_version)
agreement_files = _source("agreement_files", "csv", "The agency's agreement files, "
                          "`data/redistributions/YYYY.csv`, one per share year; data version "
                          "from their hashes.", agreement_files_version)
returned_forms = _source("returned_forms", "excel", "The forms the county boards returned: "
                         "any file in `data/redistributions/YYYY/` (xlsx, xlsm, ods, xls); "
                         "data version from their hashes.", returned_forms_version)
