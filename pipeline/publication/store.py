"""Publishing the final shares (kommunandelar): CSV, Excel and PDF, atomically and immutably.

A published year is a folder holding `shares_<Y>.csv` (the decision, machine-readable),
`shares_<Y>.xlsx`, `shares_<Y>.pdf` and `publication_<Y>.json`, the manifest: the SHA-256 of each
file, the decision date, the parameter set, the inputs with their hashes, the run id, the version
and the reissue history.

A published decision is never silently overwritten. The decision is the CSV together with what it
was computed from (decision date, decimals, parameter set and values, input hashes, redistribution
notes); the run id is not part of it, so a re-run on unchanged inputs is a no-op. A different
decision is refused unless it is an explicit reissue with a reason, which moves the earlier files
to `versions/v<N>/` and records the reason in the manifest.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import polars as pl

from pipeline.core.errors import AnvisningError
from pipeline.core.files import neutralise_formula
from pipeline.core.units import parse_promille, total_units, units_to_text

TEXT_COLUMNS = ["municipality_code", "municipality_name", "county_code", "county_name"]
UNIT_COLUMNS = ["calculated_units", "given_units", "received_units", "share_units"]
FINAL_COLUMNS = TEXT_COLUMNS + UNIT_COLUMNS
CSV_COLUMNS = TEXT_COLUMNS + [
    "calculated_promille", "given_promille", "received_promille", "share_promille",
]
ILLUSTRATIVE_MARK = "ILLUSTRATIVA UPPGIFTER – inte ett beslut"
PUBLISHER = "anvisning"
LOCK_NAME = ".publish.lock"
VERSIONS_DIR = "versions"
CURRENT_LINK = "current"
MAX_LISTED_CHANGES = 10
_REISSUE_HINT = 'To replace a published decision run again with --reissue --reason "<why>".'


class PublicationError(AnvisningError):
    """Publishing would overwrite a published decision, or the published files were altered."""


@dataclass(frozen=True)
class InputFile:
    """One input a publication was computed from; `illustrative` marks made-up demo data."""

    name: str
    path: str
    sha256: str
    illustrative: bool


@dataclass(frozen=True)
class PublicationInfo:
    """What a published table states besides the shares: its year, decision and provenance.

    `redistributions` are short Swedish notes, one per agreement (omfördelning), e.g.
    "0117 Österåker ger 0,50 ‰ till 0120 Värmdö (Lst AB 851-1-2025)".
    """

    share_year: int
    decision_date: date
    decimals: int
    parameter_set: str
    parameters: dict[str, object]
    inputs: list[InputFile]
    run_id: str
    redistributions: list[str] = field(default_factory=list)

    @property
    def illustrative(self) -> bool:
        return any(item.illustrative for item in self.inputs)


@dataclass(frozen=True)
class PublishResult:
    """The outcome of `publish`; `paths` maps "csv", "xlsx", "pdf" and "manifest" to files."""

    status: Literal["published", "unchanged", "reissued"]
    version: int
    paths: dict[str, Path]
    message: str


@dataclass(frozen=True)
class CountySection:
    """One county (län) of the published table: its municipalities and their summed units."""

    county_code: str
    county_name: str
    municipalities: pl.DataFrame
    totals: tuple[int, ...]


def publication_title(share_year: int) -> str:
    return f"Kommunandelar för ensamkommande asylsökande barn {share_year}"


def valid_from_text(share_year: int) -> str:
    return f"Gäller från 1 januari {share_year}"


def county_sections(final: pl.DataFrame) -> list[CountySection]:
    """The final table grouped by county in code order, with each county's subtotals."""
    ordered = final.sort("county_code", "municipality_code")
    return [
        CountySection(
            county_code=part["county_code"][0],
            county_name=part["county_name"][0],
            municipalities=part,
            totals=national_totals(part),
        )
        for part in ordered.partition_by("county_code", maintain_order=True)
    ]


def national_totals(final: pl.DataFrame) -> tuple[int, ...]:
    """Sums of the unit columns, in `UNIT_COLUMNS` order (calculated, given, received, share)."""
    return tuple(int(final[column].sum()) for column in UNIT_COLUMNS)


def render_csv(final: pl.DataFrame, decimals: int) -> bytes:
    """The final shares as CSV bytes: the machine-readable form of the decision.

    UTF-8 without BOM, '\\n' line ends, a decimal point, columns `CSV_COLUMNS`, rows in
    municipality-code order, each promille with exactly `decimals` decimals. The bytes depend on
    the shares alone (no timestamp), so unchanged inputs give a byte-identical file.

    Text cells beginning with '=', '+', '-', '@', a tab or a carriage return are neutralised by a
    leading single quote (the OWASP CSV-injection rule), so a spreadsheet opening the file never
    runs them as a formula. Promille values are never negative, so no number is altered.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in final.sort("municipality_code").select(FINAL_COLUMNS).iter_rows():
        texts = [neutralise_formula(value) for value in row[: len(TEXT_COLUMNS)]]
        numbers = [units_to_text(value, decimals) for value in row[len(TEXT_COLUMNS) :]]
        writer.writerow(texts + numbers)
    return buffer.getvalue().encode("utf-8")


def published_paths(out_year_dir: Path, share_year: int) -> dict[str, Path]:
    """Where the files of a published year live."""
    return {
        "csv": out_year_dir / f"shares_{share_year}.csv",
        "xlsx": out_year_dir / f"shares_{share_year}.xlsx",
        "pdf": out_year_dir / f"shares_{share_year}.pdf",
        "manifest": out_year_dir / f"publication_{share_year}.json",
    }


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
    what changed, unless `reissue_reason` is given, which publishes version N+1 and keeps
    version N in `versions/v<N>/`.
    """
    out_year_dir = Path(out_year_dir)
    _check_final(final, info.decimals)
    if reissue_reason is not None and not reissue_reason.strip():
        raise PublicationError("a reissue needs a reason: --reissue --reason \"<why>\"")
    paths = published_paths(out_year_dir, info.share_year)
    out_year_dir.mkdir(parents=True, exist_ok=True)
    with _year_lock(out_year_dir):
        csv_bytes = render_csv(final, info.decimals)
        record = _decision_record(info, csv_bytes)
        previous = _read_manifest(paths["manifest"])
        if previous is None:
            _refuse_files_without_manifest(paths)
            _install(out_year_dir, paths, final, info, csv_bytes, _manifest(record, info, 1))
            return PublishResult("published", 1, paths, f"published version 1 in {out_year_dir}")

        changes = _describe_changes(previous, record, paths["csv"], csv_bytes)
        altered = _altered_files(out_year_dir, previous)
        published_on = str(previous["published_at"])[:10]
        if not changes and not altered:
            message = f"unchanged, already published on {published_on}"
            if reissue_reason is not None:
                message += "; nothing to reissue"
            return PublishResult("unchanged", int(previous["version"]), paths, message)
        if reissue_reason is None:
            raise PublicationError(
                _refusal(info.share_year, previous, published_on, changes, altered)
            )
        version = int(previous["version"]) + 1
        manifest = _manifest(record, info, version, previous, reissue_reason.strip())
        _install(out_year_dir, paths, final, info, csv_bytes, manifest, previous)
        message = f"reissued as version {version}; version {version - 1} kept in " + str(
            out_year_dir / VERSIONS_DIR / f"v{version - 1}"
        )
        return PublishResult("reissued", version, paths, message)


def _check_final(final: pl.DataFrame, decimals: int) -> None:
    missing = [column for column in FINAL_COLUMNS if column not in final.columns]
    if missing:
        raise PublicationError(f"the final shares lack the columns {', '.join(missing)}")
    if final.select(FINAL_COLUMNS).null_count().sum_horizontal().item():
        raise PublicationError("the final shares hold empty values; nothing was published")
    total = int(final["share_units"].sum())
    if total != total_units(decimals):
        raise PublicationError(
            f"the final shares sum to {units_to_text(total, decimals)} ‰, not "
            f"{units_to_text(total_units(decimals), decimals)} ‰; nothing was published"
        )


@contextmanager
def _year_lock(out_year_dir: Path) -> Iterator[None]:
    with open(out_year_dir / LOCK_NAME, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _decision_record(info: PublicationInfo, csv_bytes: bytes) -> dict[str, object]:
    """What makes a decision: compared between runs, so the run id is deliberately absent."""
    return {
        "share_year": info.share_year,
        "decision_date": info.decision_date.isoformat(),
        "decimals": info.decimals,
        "parameter_set": info.parameter_set,
        "parameters": json.loads(json.dumps(info.parameters, sort_keys=True, default=str)),
        "inputs": [
            {"name": item.name, "sha256": item.sha256, "illustrative": item.illustrative}
            for item in sorted(info.inputs, key=lambda item: item.name)
        ],
        "redistributions": list(info.redistributions),
        "csv_sha256": hashlib.sha256(csv_bytes).hexdigest(),
    }


def _record_of(manifest: dict) -> dict[str, object]:
    record = {key: manifest.get(key) for key in ("share_year", "decision_date", "decimals",
                                                  "parameter_set", "parameters", "redistributions")}
    record["inputs"] = [
        {key: item.get(key) for key in ("name", "sha256", "illustrative")}
        for item in sorted(manifest.get("inputs", []), key=lambda item: item.get("name", ""))
    ]
    csv_name = f"shares_{manifest.get('share_year')}.csv"
    record["csv_sha256"] = manifest.get("files", {}).get(csv_name)
    return record


def _manifest(
    record: dict[str, object],
    info: PublicationInfo,
    version: int,
    previous: dict | None = None,
    reason: str | None = None,
) -> dict[str, object]:
    now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    manifest: dict[str, object] = {
        "share_year": info.share_year,
        "version": version,
        "published_at": now,
        "decision_date": record["decision_date"],
        "decimals": info.decimals,
        "illustrative": info.illustrative,
        "parameter_set": info.parameter_set,
        "parameters": record["parameters"],
        "inputs": [
            {"name": i.name, "path": i.path, "sha256": i.sha256, "illustrative": i.illustrative}
            for i in info.inputs
        ],
        "redistributions": list(info.redistributions),
        "run_id": info.run_id,
        "files": {},
        "reissue": None,
        "history": [],
    }
    if previous is not None:
        location = f"{VERSIONS_DIR}/v{previous['version']}"
        manifest["reissue"] = {
            "reason": reason,
            "reissued_at": now,
            "previous_version": previous["version"],
            "previous_location": location,
            "previous_files": previous.get("files", {}),
        }
        manifest["history"] = [
            *previous.get("history", []),
            {
                "version": previous["version"],
                "published_at": previous.get("published_at"),
                "decision_date": previous.get("decision_date"),
                "run_id": previous.get("run_id"),
                "reason": (previous.get("reissue") or {}).get("reason"),
                "location": location,
                "files": previous.get("files", {}),
            },
        ]
    return manifest


def _read_manifest(path: Path) -> dict | None:
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PublicationError(f"{path}: the manifest cannot be read: {error}") from None


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
        elif _sha256(path) != digest:
            altered.append(f"{name} no longer matches its SHA-256 in the manifest")
    return altered


def _describe_changes(
    previous: dict, record: dict, published_csv: Path, csv_bytes: bytes
) -> list[str]:
    before = _record_of(previous)
    changes = []
    for key, label in (("decision_date", "decision date"), ("decimals", "decimals"),
                       ("parameter_set", "parameter set")):
        if before[key] != record[key]:
            changes.append(f"{label} {before[key]} → {record[key]}")
    changes += _parameter_changes(before["parameters"] or {}, record["parameters"])
    changes += _input_changes(before["inputs"], record["inputs"])
    if before["redistributions"] != record["redistributions"]:
        changes.append("the redistribution notes changed")
    if before["csv_sha256"] != record["csv_sha256"]:
        changes += _share_changes(published_csv, csv_bytes)
    return changes


def _parameter_changes(before: dict, after: dict) -> list[str]:
    return [
        f"parameter {key}: {before.get(key, '(absent)')} → {after.get(key, '(absent)')}"
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]


def _input_changes(before: list[dict], after: list[dict]) -> list[str]:
    old = {item["name"]: item for item in before}
    new = {item["name"]: item for item in after}
    changes = []
    for name in sorted(set(old) | set(new)):
        if name not in new:
            changes.append(f"input {name} removed")
        elif name not in old:
            changes.append(f"input {name} added")
        elif old[name]["sha256"] != new[name]["sha256"]:
            changes.append(
                f"input {name}: SHA-256 {old[name]['sha256'][:12]}… → {new[name]['sha256'][:12]}…"
            )
        elif old[name]["illustrative"] != new[name]["illustrative"]:
            kind = {True: "illustrative", False: "official"}
            changes.append(
                f"input {name}: {kind[old[name]['illustrative']]} → "
                f"{kind[new[name]['illustrative']]}"
            )
    return changes


def _share_changes(published_csv: Path, csv_bytes: bytes) -> list[str]:
    """Which municipalities' values changed, old → new, from the published CSV to this run's."""
    if not published_csv.exists():
        return ["the shares changed (the published CSV is missing, so not listed)"]
    old = _rows_by_code(published_csv.read_bytes())
    new = _rows_by_code(csv_bytes)
    lines = [
        line for code in sorted(set(old) | set(new))
        if (line := _row_change(code, old.get(code), new.get(code)))
    ]
    if not lines:
        return ["the CSV bytes changed"]
    shown = lines[:MAX_LISTED_CHANGES]
    if len(lines) > MAX_LISTED_CHANGES:
        shown.append(f"… and {len(lines) - MAX_LISTED_CHANGES} more municipalities")
    counted = f"{len(lines)} {'municipality' if len(lines) == 1 else 'municipalities'} changed:"
    return [counted, *(f"      {line}" for line in shown)]


def _rows_by_code(csv_bytes: bytes) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(csv_bytes.decode("utf-8")))
    return {row["municipality_code"]: row for row in reader}


def _row_change(code: str, old: dict | None, new: dict | None) -> str | None:
    if old is None or new is None:
        row, what = (new, "added") if old is None else (old, "removed")
        return f"{code} {row.get('municipality_name', '')} {what}"
    if old == new:
        return None
    name = new.get("municipality_name", "")
    if old.get("share_promille") != new.get("share_promille"):
        return f"{code} {name}: share {old.get('share_promille')} → {new['share_promille']} ‰"
    differing = [key for key in new if old.get(key) != new.get(key)]
    return f"{code} {name}: " + ", ".join(f"{key} {old.get(key)} → {new[key]}"
                                         for key in differing)


def _refusal(
    share_year: int, previous: dict, published_on: str, changes: list[str], altered: list[str]
) -> str:
    first = (changes or altered or ["nothing"])[0].strip().removeprefix("- ")
    more = len(changes) + len(altered) - 1
    lines = [
        f"the shares for {share_year} are already published (version {previous['version']}, "
        f"{published_on}) and are not overwritten; differs: {first}"
        + (f" (and {more} more below)" if more > 0 else "")
    ]
    if changes:
        lines.append("This run differs from the published decision:")
        lines += [change if change.startswith(" ") else f"  - {change}" for change in changes]
    if altered:
        lines.append("The published files were altered since publication:")
        lines += [f"  - {item}" for item in altered]
    lines.append(_REISSUE_HINT)
    return "\n".join(lines)


def _install(
    out_year_dir: Path,
    paths: dict[str, Path],
    final: pl.DataFrame,
    info: PublicationInfo,
    csv_bytes: bytes,
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
        _render(staged, final, info, csv_bytes)
        manifest["files"] = {
            staged[key].name: _sha256(staged[key]) for key in ("csv", "xlsx", "pdf")
        }
        staged["manifest"].write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        for path in staged.values():
            _fsync(path)
        staging.chmod(0o755)  # mkdtemp makes 0700; a published version is for every reader
        _fsync(staging)
        os.rename(staging, target)
        _fsync(versions)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _replace_link(out_year_dir / CURRENT_LINK, Path(VERSIONS_DIR) / target.name)
    for path in paths.values():
        if not path.is_symlink():
            _replace_link(path, Path(CURRENT_LINK) / path.name)
    _fsync(out_year_dir)


def _replace_link(link: Path, points_to: Path) -> None:
    temporary = link.with_name(f".{link.name}.{os.getpid()}.link")
    temporary.unlink(missing_ok=True)
    os.symlink(points_to, temporary)
    os.replace(temporary, link)


def _render(
    staged: dict[str, Path], final: pl.DataFrame, info: PublicationInfo, csv_bytes: bytes
) -> None:
    # Imported here because the writers import this module's PublicationInfo and table helpers.
    from pipeline.publication.editions.excel import write_share_workbook
    from pipeline.publication.editions.pdf import write_share_pdf

    staged["csv"].write_bytes(csv_bytes)
    write_share_workbook(staged["xlsx"], final, info)
    write_share_pdf(staged["pdf"], final, info)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


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
    manifest = _read_manifest(published_paths(Path(out_year_dir), share_year)["manifest"])
    return published.select(*TEXT_COLUMNS, "share_units"), int(manifest["decimals"])


def read_published_final(out_year_dir: Path, share_year: int) -> pl.DataFrame | None:
    """The published decision as `FINAL_COLUMNS` (units), or None when nothing is published or
    the published CSV no longer matches its manifest."""
    paths = published_paths(Path(out_year_dir), share_year)
    manifest = _read_manifest(paths["manifest"])
    if (manifest is None or not paths["csv"].is_file()
            or _sha256(paths["csv"]) != manifest.get("files", {}).get(paths["csv"].name)):
        return None
    decimals = int(manifest["decimals"])
    frame = pl.read_csv(paths["csv"], schema={c: pl.String for c in CSV_COLUMNS})
    return frame.select(
        *TEXT_COLUMNS,
        *[pl.col(text).map_elements(lambda t: parse_promille(t, decimals),
                                    return_dtype=pl.Int64).alias(units)
          for text, units in zip(CSV_COLUMNS[len(TEXT_COLUMNS):], UNIT_COLUMNS, strict=True)],
    )
