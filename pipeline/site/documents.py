"""The published editions as documents of the site: every edition (PDF, Excel, CSV, CSV for
Swedish Excel) of every version of every published share year, found in `O/<Y>/versions/v<N>/`
with that version's manifest, checked against the manifest's SHA-256 and copied into the site
(`dokument/<Y>/v<N>/`), so that the site folder stays self-contained.

Each version carries its own statements as its manifest words them ("Version 2, publicerad …",
"Ersätter version 1 av …. Skäl: …"). A version that a later one replaced is marked: by the
`replaced_by` its manifest names (written there by a reissue), else, for a store that predates
that field, by the next version in the versions folder.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.files import sha256_file
from pipeline.site.upstream import ManifestError, published_paths, read_manifest

SITE_FOLDER = "dokument"
VERSIONS = "versions"
_VERSION_DIR = re.compile(r"^v(\d+)$")
# The editions in the order a reader wants them, with the words of a link to each.
EDITION_LABELS = {"pdf": "PDF", "xlsx": "Excel", "csv": "CSV",
                  "csv_excel": "CSV för svenskt Excel"}


@dataclass(frozen=True)
class Document:
    """One edition of one version: the words of its link, its file and its place in the
    site."""

    label: str
    source: Path
    href: str  # relative to the site's root
    size: int


@dataclass(frozen=True)
class Version:
    """One published version of a share year's table, as its own manifest states it."""

    year: int
    version: int
    statement: str  # "Version 2, publicerad 21 december 2020"
    replaces: str | None  # "Ersätter version 1 av …. Skäl: …", the reason included
    decision_date: date | None
    replaced_by: int | None
    documents: tuple[Document, ...]
    replaced_statement: str | None = None  # "Ersatt av version 2, publicerad …. Skäl: …"

    @property
    def anchor(self) -> str:
        return f"a{self.year}-v{self.version}"


def read_documents(out_dir: Path, years: list[int]) -> dict[int, list[Version]]:
    """Every version of every year in `years` (newest version first), checked: each edition
    named in the version's manifest exists and matches its SHA-256."""
    return {year: _versions(Path(out_dir) / str(year), year) for year in years}


def _versions(folder: Path, year: int) -> list[Version]:
    versions_dir = folder / VERSIONS
    found = sorted((int(m.group(1)), path) for path in (
        versions_dir.iterdir() if versions_dir.is_dir() else ())
        if (m := _VERSION_DIR.fullmatch(path.name)) and path.is_dir())
    if not found:  # a year published before versions were kept: the published files only
        found = [(0, folder)]
    numbers = [number for number, _ in found]
    result = []
    for number, path in found:
        later = [n for n in numbers if n > number]
        result.append(_version(path, year, min(later) if later else None))
    return sorted(result, key=lambda v: -v.version)


def published_manifest(path: Path) -> dict:
    """A published version's manifest, as the publication checks it (`read_manifest`); a file
    that is missing or not one is the site's InputError naming it."""
    try:
        manifest = read_manifest(path)
    except ManifestError as error:
        raise InputError(path, error.reason) from None
    if manifest is None:
        raise InputError(path, "the publication manifest is missing; restore it from a copy of "
                         "the published version")
    return manifest


def _version(path: Path, year: int, next_version: int | None) -> Version:
    paths = published_paths(path, year)
    manifest_path = paths["manifest"]
    manifest = published_manifest(manifest_path)
    version, files = manifest["version"], manifest["files"]
    documents = []
    for key, label in EDITION_LABELS.items():
        source = paths[key]
        if source.name not in files:
            continue  # an edition this version was not published in
        if not source.is_file():
            raise InputError(source, f"is named in {manifest_path.name} but missing; restore "
                             "it from a copy of the published version")
        if sha256_file(source) != files[source.name]:
            raise InputError(source, f"no longer matches its SHA-256 in {manifest_path.name}; "
                             "a published edition is never changed")
        documents.append(Document(label, source,
                                  f"{SITE_FOLDER}/{year}/v{version}/{source.name}",
                                  source.stat().st_size))
    return Version(
        year=year, version=version,
        statement=str(manifest.get("version_statement") or f"Version {version}"),
        replaces=manifest.get("replaces_statement") or None,
        decision_date=iso_date(manifest.get("decision_date")),
        replaced_by=_replaced_by(manifest.get("replaced_by"), next_version),
        documents=tuple(documents), replaced_statement=_statement(manifest.get("replaced_by")))


def _replaced_by(named: object, next_version: int | None) -> int | None:
    """The replacement the manifest names (a number, or a record with "version"), else the next
    version in the folder."""
    if isinstance(named, dict):
        named = named.get("version")
    if isinstance(named, int) and not isinstance(named, bool):
        return named
    return next_version


def _statement(named: object) -> str | None:
    text = named.get("statement") if isinstance(named, dict) else None
    return text if isinstance(text, str) and text else None


def iso_date(text: object) -> date | None:
    """The date an ISO text starts with ("2020-12-21", "2020-12-21T04:44:25Z"), or None."""
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def copy_documents(documents: dict[int, list[Version]], site: Path) -> None:
    """Copy every edition into the (staging) site folder at its `href`."""
    for versions in documents.values():
        for version in versions:
            for document in version.documents:
                target = site / document.href
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(document.source, target)
