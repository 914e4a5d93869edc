"""The versioned store of published share tables: atomic, immutable, reissued only with a reason.

A published year is a folder holding every edition (`shares_<Y>.csv`, `.xlsx`, `.pdf`, …) and
`publication_<Y>.json`, the manifest: the SHA-256 of each file, the decision date, the parameter
set, the inputs with their hashes, the run id, the version and the reissue history.

A published decision is never silently overwritten. The decision is the CSV together with what it
was computed from (decision date, decimals, parameter set and values, input hashes, redistribution
notes); the run id is not part of it, so a re-run on unchanged inputs is a no-op. A different
decision is refused unless it is an explicit reissue with a reason, which keeps the earlier files
in `versions/v<N>/`, records the reason in the manifest, marks the rows that changed
(`revisions`) and names the replacement in the replaced version's manifest (`versions`).

A version states the date it was published (`published_on`, also `published_at`): given, else
its decision date, never the day the files were built, which the manifest keeps as `built_at`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import polars as pl

from pipeline.core import layout, text
from pipeline.core.files import fsync_path, sha256_file
from pipeline.core.locks import exclusive_lock
from pipeline.publication.changes import decision_record, describe_changes, refusal
from pipeline.publication.decision import choose_publication_date
from pipeline.publication.editions import EDITIONS
from pipeline.publication.revisions import mark_changes, row_changes
from pipeline.publication.table import (
    TEXT_COLUMNS,
    PublicationError,
    PublicationInfo,
    Replacement,
    check_final,
    parse_csv,
    render_csv,
)
from pipeline.publication.versions import (
    VERSIONS_DIR,
    build_manifest,
    manifest_bytes,
    mark_replaced,
    published_on,
    replaced_csv,
)

LOCK_NAME = ".publish.lock"
CURRENT_LINK = "current"


@dataclass(frozen=True)
class PublishResult:
    """The outcome of `publish`; `paths` maps each edition's key ("csv", "xlsx", "pdf",
    "csv_excel") and "manifest" to files."""

    status: Literal["published", "unchanged", "reissued"]
    version: int
    paths: dict[str, Path]
    message: str


def published_paths(out_year_dir: Path, share_year: int) -> dict[str, Path]:
    """Where the files of a published year live: each registered edition and the manifest."""
    return layout.published_paths(Path(out_year_dir), share_year,
                                  {edition.key: edition.suffix for edition in EDITIONS})


def publish(
    out_year_dir: Path,
    final: pl.DataFrame,
    info: PublicationInfo,
    *,
    reissue_reason: str | None = None,
) -> PublishResult:
    """Publish the final shares of `info.share_year` as CSV, Excel and PDF into `out_year_dir`.

    All files are rendered in a temporary folder beside `out_year_dir` and moved into place only
    when every one succeeded; the manifest goes last. A second publisher of the same year waits
    for the first (a lock on `out_year_dir/.publish.lock`). If the year is already published:
    the same decision is a no-op ("unchanged"); a different one raises `PublicationError` naming
    what changed, unless `reissue_reason` is given, which publishes version N+1, marking the rows
    that differ from version N, and keeps version N in `versions/v<N>/`. A new version states
    `info.published_on`, or else its decision date.
    """
    out_year_dir = Path(out_year_dir)
    check_final(final, info.decimals)
    if reissue_reason is not None and not text.checked_option("the reason", reissue_reason).strip():
        raise PublicationError("a reissue needs a reason: --reissue --reason \"<why>\"")
    paths = published_paths(out_year_dir, info.share_year)
    out_year_dir.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(out_year_dir / LOCK_NAME):
        previous = read_manifest(paths["manifest"])
        moment = publication_moment()
        day = choose_publication_date(info.decision_date, info.published_on)
        if previous is None:
            _refuse_files_without_manifest(paths)
            info = replace(info, version=1, published_on=day, replaces=None, changes=())
            final = mark_changes(final, (), None)
            record = decision_record(info, render_csv(final, info.decimals))
            _install(out_year_dir, paths, final, info, build_manifest(record, info, moment))
            return PublishResult("published", 1, paths, f"published version 1 in {out_year_dir}")

        # This run as the published version would be: its rows marked against the version
        # that one replaced.
        version = int(previous["version"])
        as_published = _marked(final, info, replaced_csv(out_year_dir, info.share_year,
                                                         previous), version - 1)
        csv_bytes = render_csv(as_published, info.decimals)
        record = decision_record(info, csv_bytes)
        changes = describe_changes(previous, record, paths["csv"], csv_bytes)
        altered = _altered_files(out_year_dir, previous)
        stated = published_on(previous).isoformat()
        if not changes and not altered:
            mark_replaced(out_year_dir, info.share_year, previous)
            message = f"unchanged, already published on {stated}"
            if reissue_reason is not None:
                message += "; nothing to reissue"
            return PublishResult("unchanged", version, paths, message)
        if reissue_reason is None:
            raise PublicationError(
                refusal(info.share_year, previous, stated, changes, altered)
            )
        replaced = Replacement(version, published_on(previous), reissue_reason.strip())
        current = _current_csv(paths["csv"], previous)
        rows = None if current is None else row_changes(*current, final, info.decimals)
        info = replace(info, version=version + 1, published_on=day, replaces=replaced,
                       changes=rows)
        final = mark_changes(final, rows, version)
        record = decision_record(info, render_csv(final, info.decimals))
        manifest = build_manifest(record, info, moment, previous)
        _install(out_year_dir, paths, final, info, manifest, previous)
        mark_replaced(out_year_dir, info.share_year, manifest)
        message = f"reissued as version {version + 1}; version {version} kept in " + str(
            out_year_dir / VERSIONS_DIR / f"v{version}"
        )
        return PublishResult("reissued", version + 1, paths, message)


def _marked(final: pl.DataFrame, info: PublicationInfo, replaced: tuple[bytes, int] | None,
            replaced_version: int) -> pl.DataFrame:
    """`final` with its rows marked against the replaced version's CSV (none for version 1)."""
    if replaced is None:
        return mark_changes(final, (), None)
    return mark_changes(final, row_changes(*replaced, final, info.decimals), replaced_version)


def _current_csv(csv_path: Path, manifest: dict) -> tuple[bytes, int] | None:
    """The published version's machine CSV and decimals, or None when it cannot be read."""
    try:
        return csv_path.read_bytes(), int(manifest["decimals"])
    except OSError:
        return None


def publication_moment() -> datetime:
    """Now (UTC, whole seconds), or SOURCE_DATE_EPOCH when set, so a build can be reproduced
    byte for byte on another day."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            raise PublicationError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970") from None
    return datetime.now(UTC).replace(microsecond=0)


class ManifestError(PublicationError):
    """A file in a manifest's place that is not a readable publication manifest: `reason` says
    why and what to do, without the path."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def read_manifest(path: Path) -> dict | None:
    """A publication manifest, checked to be one (ManifestError otherwise), or None."""
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ManifestError(path, f"the manifest cannot be read: {error.strerror}") from None
    except ValueError as error:
        raise ManifestError(path, f"the manifest cannot be read: {error}") from None
    expected = {"share_year": int, "version": int, "decimals": int, "files": dict}
    wrong = [key for key, kind in expected.items()
             if not isinstance(manifest, dict) or not isinstance(manifest.get(key), kind)
             or isinstance(manifest.get(key), bool)]
    if wrong:
        raise ManifestError(path, f"not a publication manifest (no valid {wrong[0]!r}); "
                            "restore it from versions/ or move the year's folder away")
    return manifest


def _refuse_files_without_manifest(paths: dict[str, Path]) -> None:
    strays = [path.name for key, path in paths.items() if key != "manifest" and path.exists()]
    if strays:
        raise PublicationError(
            f"{', '.join(strays)} exist in {paths['csv'].parent} without the manifest "
            f"{paths['manifest'].name}; restore the manifest or move the files away"
        )


def _altered_files(out_year_dir: Path, manifest: dict) -> list[str]:
    altered = []
    for name, digest in manifest.get("files", {}).items():
        path = out_year_dir / name
        if not path.exists():
            altered.append(f"{name} is missing")
        elif sha256_file(path) != digest:
            altered.append(f"{name} no longer matches its SHA-256 in the manifest")
    return altered


def _install(
    out_year_dir: Path,
    paths: dict[str, Path],
    final: pl.DataFrame,
    info: PublicationInfo,
    manifest: dict[str, object],
    previous: dict | None = None,
) -> None:
    """Write version N complete in `versions/v<N>/`, then switch the one `current` link to it.

    The published names (`shares_<Y>.csv`, …, `publication_<Y>.json`) are fixed links into
    `current/`, and `current` is replaced by a single rename: a reader, or a run killed at any
    point, sees the old version whole or the new one whole, never a mix. Earlier versions stay
    beside it in `versions/`.
    """
    versions = out_year_dir / VERSIONS_DIR
    target = versions / f"v{manifest['version']}"
    if target.exists():
        raise PublicationError(f"{target} already exists; the version history is inconsistent")
    versions.mkdir(parents=True, exist_ok=True)
    for stale in versions.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=versions))
    try:
        staged = {key: staging / path.name for key, path in paths.items()}
        for edition in EDITIONS:
            edition.write(staged[edition.key], final, info)
        manifest["files"] = {
            staged[edition.key].name: sha256_file(staged[edition.key]) for edition in EDITIONS
        }
        staged["manifest"].write_bytes(manifest_bytes(manifest))
        for path in staged.values():
            fsync_path(path)
        staging.chmod(0o755)  # mkdtemp makes 0700; a published version is for every reader
        fsync_path(staging)
        os.rename(staging, target)
        fsync_path(versions)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _replace_link(out_year_dir / CURRENT_LINK, Path(VERSIONS_DIR) / target.name)
    for path in paths.values():
        if not path.is_symlink():
            _replace_link(path, Path(CURRENT_LINK) / path.name)
    fsync_path(out_year_dir)


def _replace_link(link: Path, points_to: Path) -> None:
    temporary = link.with_name(f".{link.name}.{os.getpid()}.link")
    temporary.unlink(missing_ok=True)
    os.symlink(points_to, temporary)
    os.replace(temporary, link)


def read_published_shares(out_year_dir: Path, share_year: int) -> tuple[pl.DataFrame, int]:
    """The published decision of a share year, as (municipality_code, municipality_name,
    county_code, county_name, share_units) and its decimals — what goal fulfilment counts
    against."""
    published = read_published_final(out_year_dir, share_year)
    if published is None:
        csv_path = published_paths(Path(out_year_dir), share_year)["csv"]
        raise PublicationError(
            f"{csv_path}: no published share table for {share_year} (or it no longer matches "
            f"its manifest); run `anvisning run --year {share_year}` first")
    manifest = read_manifest(published_paths(Path(out_year_dir), share_year)["manifest"])
    return published.select(*TEXT_COLUMNS, "share_units"), int(manifest["decimals"])


def read_published_final(out_year_dir: Path, share_year: int) -> pl.DataFrame | None:
    """The published decision as `FINAL_COLUMNS` (units), or None when nothing is published or
    the published CSV no longer matches its manifest."""
    decision = read_published_decision(out_year_dir, share_year)
    return None if decision is None else decision[0]


def read_published_decision(out_year_dir: Path,
                            share_year: int) -> tuple[pl.DataFrame, int] | None:
    """The published decision as `FINAL_COLUMNS` (units) and its decimals, or None."""
    paths = published_paths(Path(out_year_dir), share_year)
    manifest = read_manifest(paths["manifest"])
    if (manifest is None or not paths["csv"].is_file()
            or sha256_file(paths["csv"]) != manifest["files"].get(paths["csv"].name)):
        return None
    decimals = manifest["decimals"]
    return parse_csv(paths["csv"].read_bytes(), decimals), decimals


def published_years(out_dir: Path) -> list[int]:
    """The share years with a publication manifest under `out_dir`, in order."""
    if not Path(out_dir).is_dir():
        return []
    return sorted(int(folder.name) for folder in Path(out_dir).iterdir()
                  if folder.name.isascii() and folder.name.isdigit() and len(folder.name) == 4
                  and published_paths(folder, int(folder.name))["manifest"].exists())
