"""The versions of a published year: `versions/v<N>/`, each complete, and what replaced what.

A reissue publishes version N+1 beside version N. The editions of version N (what readers
downloaded, with their SHA-256 in its manifest) stay byte for byte; its manifest
`versions/v<N>/publication_<Y>.json` is the one file that is updated afterwards: it gains the key
`replaced_by` (version, publication date, reason, where, and the Swedish statement "Ersatt av
version N+1, …"). The manifest describes a version rather than being part of what was published,
and none of its recorded hashes changes; so a reader holding only version N's manifest, or the
site reading it, learns that it was replaced and by what. A separate index file would leave that
manifest silent. The key is written with one atomic rename after version N+1 is in place, and
checked again by every later publication of the year, so a run killed in between is repaired by
the next one.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

from pipeline.core.files import write_atomically
from pipeline.publication.changes import statement_record
from pipeline.publication.table import PublicationInfo
from pipeline.publication.texts import replaced_by_line, replaces_line, version_line

VERSIONS_DIR = "versions"


def version_folder(out_year_dir: Path, version: int) -> Path:
    return Path(out_year_dir) / VERSIONS_DIR / f"v{version}"


def manifest_name(share_year: int) -> str:
    return f"publication_{share_year}.json"


def read_version(out_year_dir: Path, share_year: int, version: int) -> dict | None:
    """The manifest of one version, or None when it is missing or unreadable."""
    path = version_folder(out_year_dir, version) / manifest_name(share_year)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def published_on(manifest: dict) -> date:
    """The publication date a manifest states (manifests before `published_on` existed: the
    date of `published_at`)."""
    return date.fromisoformat(str(manifest.get("published_on")
                                  or manifest.get("published_at", ""))[:10])


def replaced_csv(out_year_dir: Path, share_year: int,
                 manifest: dict) -> tuple[bytes, int] | None:
    """The machine CSV and decimals of the version `manifest`'s version replaced (None for a
    first version, or when that version's files cannot be read)."""
    version = int(manifest["version"]) - 1
    earlier = read_version(out_year_dir, share_year, version) if version >= 1 else None
    if earlier is None:
        return None
    csv_path = version_folder(out_year_dir, version) / f"shares_{share_year}.csv"
    try:
        return csv_path.read_bytes(), int(earlier["decimals"])
    except (OSError, KeyError, TypeError, ValueError):
        return None


def replacement(manifest: dict) -> dict[str, object]:
    """The `replaced_by` record that names `manifest`'s version as the replacement."""
    version = int(manifest["version"])
    reason = str((manifest.get("reissue") or {}).get("reason", ""))
    day = published_on(manifest)
    return {"version": version, "published_on": day.isoformat(), "reason": reason,
            "location": f"{VERSIONS_DIR}/v{version}",
            "statement": replaced_by_line(version, day, reason)}


def mark_replaced(out_year_dir: Path, share_year: int, latest: dict) -> None:
    """Make every version before `latest` name the version that replaced it (`replaced_by` in
    its manifest), writing only a manifest that does not say so yet."""
    for version in range(1, int(latest["version"])):
        earlier = read_version(out_year_dir, share_year, version)
        successor = (latest if version + 1 == int(latest["version"])
                     else read_version(out_year_dir, share_year, version + 1))
        if earlier is None or successor is None:
            continue
        record = replacement(successor)
        if earlier.get("replaced_by") != record:
            earlier["replaced_by"] = record
            path = version_folder(out_year_dir, version) / manifest_name(share_year)
            write_atomically(path, manifest_bytes(earlier))


def build_manifest(
    record: dict[str, object],
    info: PublicationInfo,
    moment: datetime,
    previous: dict | None = None,
) -> dict[str, object]:
    """The manifest of a new version: what it states, what it was computed from, and for a
    reissue what it replaces and the history of the versions before it (`files` is filled in
    when the editions are written)."""
    now = moment.isoformat().replace("+00:00", "Z")
    day = info.published_on.isoformat() if info.published_on else None
    manifest: dict[str, object] = {
        "share_year": info.share_year,
        "version": info.version,
        # The date the version states; readers of earlier manifests took it from published_at.
        "published_at": day,
        "published_on": day,
        "built_at": now,
        "version_statement": version_line(info),
        "replaces_statement": replaces_line(info),
        "decision_date": record["decision_date"],
        "decimals": info.decimals,
        "illustrative": info.illustrative,
        "parameter_set": info.parameter_set,
        "parameters": record["parameters"],
        "inputs": [asdict(i) for i in info.inputs],  # name, path, sha256, flag, description
        "redistributions": list(info.redistributions),
        **statement_record(info),
        "run_id": info.run_id,
        "files": {},
        "reissue": None,
        "history": [],
    }
    if previous is not None and info.replaces is not None:
        location = f"{VERSIONS_DIR}/v{previous['version']}"
        manifest["reissue"] = {
            "reason": info.replaces.reason,
            "reissued_at": day,
            "previous_version": previous["version"],
            "previous_location": location,
            "previous_files": previous.get("files", {}),
        }
        manifest["history"] = [
            *previous.get("history", []),
            {
                "version": previous["version"],
                "published_on": published_on(previous).isoformat(),
                "published_at": previous.get("published_at"),
                "decision_date": previous.get("decision_date"),
                "run_id": previous.get("run_id"),
                "reason": (previous.get("reissue") or {}).get("reason"),
                "location": location,
                "files": previous.get("files", {}),
            },
        ]
    return manifest


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

