"""The published editions as the site's documents, on a made-up out folder: every version of a
year, newest first, with its own statements; a replaced version marked by the replacement its
manifest names, or else by the next version in the folder; a file that no longer matches its
manifest refused with the file and the rule; the copies land where the links point."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from pipeline.core.errors import InputError
from pipeline.site.documents import copy_documents, read_documents
from pipeline.site.documents_page import version_block

NAMES = {"csv": "shares_2021.csv", "xlsx": "shares_2021.xlsx", "pdf": "shares_2021.pdf",
         "csv_excel": "shares_2021_svensk_excel.csv"}


def publish(year_dir: Path, version: int, decision: str, **extra) -> dict[str, bytes]:
    """A version folder as the store writes it: four editions and the manifest with their
    SHA-256."""
    folder = year_dir / "versions" / f"v{version}"
    folder.mkdir(parents=True)
    contents = {name: f"{name} v{version}".encode() for name in NAMES.values()}
    for name, data in contents.items():
        (folder / name).write_bytes(data)
    manifest = {"share_year": 2021, "version": version, "decimals": 2,
                "decision_date": decision,
                "version_statement": f"Version {version}, publicerad {decision}",
                "files": {name: hashlib.sha256(data).hexdigest()
                          for name, data in contents.items()}, **extra}
    (folder / "publication_2021.json").write_text(json.dumps(manifest), encoding="utf-8")
    return contents


@pytest.fixture
def out(tmp_path: Path) -> Path:
    year = tmp_path / "out" / "2021"
    publish(year, 1, "2020-12-15")
    publish(year, 2, "2020-12-21",
            replaces_statement="Ersätter version 1 av 15 december 2020. Skäl: sent avtal")
    return tmp_path / "out"


def test_every_version_newest_first_with_its_own_words(out):
    v2, v1 = read_documents(out, [2021])[2021]
    assert (v2.version, v1.version) == (2, 1)
    assert v2.statement == "Version 2, publicerad 2020-12-21"
    assert v2.replaces == "Ersätter version 1 av 15 december 2020. Skäl: sent avtal"
    assert v1.replaces is None
    assert (v1.decision_date, v2.decision_date) == (date(2020, 12, 15), date(2020, 12, 21))
    assert [d.label for d in v1.documents] == ["PDF", "Excel", "CSV", "CSV för svenskt Excel"]
    assert [d.href for d in v1.documents] == [
        "dokument/2021/v1/shares_2021.pdf", "dokument/2021/v1/shares_2021.xlsx",
        "dokument/2021/v1/shares_2021.csv", "dokument/2021/v1/shares_2021_svensk_excel.csv"]


def test_the_replaced_version_points_to_its_replacement(out):
    v2, v1 = read_documents(out, [2021])[2021]
    assert (v1.replaced_by, v2.replaced_by) == (2, None)  # inferred from the versions folder
    block = version_block(v1, in_force=False)
    assert "ersatt" in block and 'href="#a2021-v2"' in block
    assert "ersatt" not in version_block(v2, in_force=True)


def test_a_replacement_named_in_the_manifest_is_the_one_shown(tmp_path):
    year = tmp_path / "out" / "2021"
    statement = "Ersatt av version 3, publicerad 10 januari 2021. Skäl: rättelse"
    publish(year, 1, "2020-12-15", replaced_by={"version": 3, "statement": statement})
    publish(year, 3, "2021-01-08")
    v3, v1 = read_documents(tmp_path / "out", [2021])[2021]
    assert v1.replaced_by == 3 and v3.replaced_by is None
    assert v1.replaced_statement == statement
    block = version_block(v1, in_force=False)
    assert f"<strong>{statement}</strong>" in block and 'href="#a2021-v3"' in block


def test_an_altered_edition_is_refused_naming_the_file_and_the_rule(out):
    altered = out / "2021" / "versions" / "v1" / "shares_2021.pdf"
    altered.write_bytes(b"changed")
    with pytest.raises(InputError) as error:
        read_documents(out, [2021])
    assert str(altered) in str(error.value)
    assert "no longer matches its SHA-256 in publication_2021.json" in str(error.value)
    altered.unlink()
    with pytest.raises(InputError, match="is named in publication_2021.json but missing"):
        read_documents(out, [2021])


def test_an_unreadable_manifest_is_refused_with_its_path(out):
    manifest = out / "2021" / "versions" / "v2" / "publication_2021.json"
    manifest.write_text("{", encoding="utf-8")
    with pytest.raises(InputError,
                       match="the manifest cannot be read: Expecting property name") as error:
        read_documents(out, [2021])
    assert str(manifest) in str(error.value)


def test_copies_land_where_the_links_point(out, tmp_path):
    documents = read_documents(out, [2021])
    site = tmp_path / "site"
    copy_documents(documents, site)
    for version in documents[2021]:
        for document in version.documents:
            copied = site / document.href
            assert copied.read_bytes() == document.source.read_bytes()
            assert document.size == len(copied.read_bytes())


@pytest.mark.parametrize(("field", "value"), [("version", "2"), ("decimals", None),
                                             ("files", ["shares_2021.csv"])])
def test_the_site_reads_a_manifest_by_the_publications_own_rules(out, field, value):
    """Both of the site's readers of a manifest (the documents and the published table) refuse
    what the publication itself refuses: a field that is missing or of the wrong kind."""
    from pipeline.site.publications import read_publications

    manifest = out / "2021" / "versions" / "v2" / "publication_2021.json"
    content = json.loads(manifest.read_text(encoding="utf-8"))
    content[field] = value
    manifest.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(InputError, match=f"not a publication manifest \\(no valid '{field}'\\)"):
        read_documents(out, [2021])
    # the published table's reader reads the year's own manifest: make it the broken one
    (out / "2021" / "publication_2021.json").write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(InputError, match=f"no valid '{field}'") as error:
        read_publications(out, set())
    assert str(out / "2021" / "publication_2021.json") in str(error.value)
