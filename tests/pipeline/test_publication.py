"""Publishing: the CSV is the decision; a published decision is immutable unless reissued."""

from __future__ import annotations

import io
import json
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipeline.publication import store
from pipeline.publication.store import publish
from pipeline.publication.table import (
    CSV_COLUMNS,
    InputFile,
    PublicationError,
    PublicationInfo,
    render_csv,
)
from tests.publication_data import final_shares


def publication_info(*, illustrative: bool = False, run_id: str = "run-1") -> PublicationInfo:
    return PublicationInfo(
        share_year=2026,
        decision_date=date(2025, 12, 10),
        decimals=2,
        parameter_set="default",
        parameters={"floor_promille": 1.0, "reception_adjustment": 0.5},
        inputs=[
            InputFile("population", "data/statistics/population_2024.csv", "a" * 64, illustrative),
            InputFile("newcomers", "data/statistics/newcomers_2024.csv", "b" * 64, False),
        ],
        run_id=run_id,
        redistributions=["0117 Österåker ger 0,50 ‰ till 0120 Värmdö (Lst AB 851-1-2025)"],
    )


def move_share(final: pl.DataFrame, giver: str, receiver: str, units: int) -> pl.DataFrame:
    code = pl.col("municipality_code")
    change = pl.when(code == giver).then(-units).when(code == receiver).then(units).otherwise(0)
    return final.with_columns(share_units=pl.col("share_units") + change)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != ".publish.lock"
    }


@pytest.fixture(scope="module")
def final() -> pl.DataFrame:
    return final_shares()


def test_test_frame_is_realistic(final):
    assert final.height == 290
    assert final["county_code"].n_unique() == 21
    assert final["share_units"].sum() == 100_000
    assert final["share_units"].min() >= 100


def test_csv_parses_back_to_the_final_frame(final):
    parsed = pl.read_csv(
        io.BytesIO(render_csv(final, 2)),
        schema_overrides={"municipality_code": pl.String, "county_code": pl.String},
    )
    assert parsed.columns == CSV_COLUMNS
    assert parsed.select(CSV_COLUMNS[:4]).equals(final.select(CSV_COLUMNS[:4]))
    for units, promille in [
        ("calculated_units", "calculated_promille"),
        ("given_units", "given_promille"),
        ("received_units", "received_promille"),
        ("share_units", "share_promille"),
    ]:
        as_units = (parsed[promille] * 100).round(0).cast(pl.Int64)
        assert as_units.to_list() == final[units].to_list()


def test_csv_is_utf8_without_bom_with_unix_line_ends_and_two_decimals(final):
    data = render_csv(final, 2)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in data
    lines = data.decode("utf-8").splitlines()
    assert len(lines) == 291
    # The context and the terms of the change, empty: no previous year, nothing explained.
    assert lines[3] == "0117,Österåker,01,Stockholms län,2.58,0.50,0.00,2.08" + "," * 13
    assert "Ö" in lines[3]


def test_csv_bytes_are_deterministic_whatever_the_row_order(final):
    assert render_csv(final, 2) == render_csv(final.reverse(), 2)


def test_csv_neutralises_text_a_spreadsheet_would_run_as_a_formula(final):
    hostile = final.with_columns(
        municipality_name=pl.when(pl.col("municipality_code") == "0114")
        .then(pl.lit("=HYPERLINK(\"http://x\")"))
        .when(pl.col("municipality_code") == "0115")
        .then(pl.lit("@SUM(1)"))
        .otherwise(pl.col("municipality_name"))
    )
    lines = render_csv(hostile, 2).decode("utf-8").splitlines()
    assert lines[1].startswith("0114,\"'=HYPERLINK(\"\"http://x\"\")\",01,")
    assert lines[2].startswith("0115,'@SUM(1),01,")


def test_first_publication_writes_four_editions_and_a_manifest(tmp_path, final):
    result = publish(tmp_path / "2026", final, publication_info())
    assert (result.status, result.version) == ("published", 1)
    editions = {"shares_2026.csv", "shares_2026.xlsx", "shares_2026.pdf",
                "shares_2026_svensk_excel.csv"}
    assert {path.name for path in result.paths.values()} == editions | {"publication_2026.json"}
    assert result.paths["csv"].read_bytes() == render_csv(final, 2)
    manifest = json.loads(result.paths["manifest"].read_text(encoding="utf-8"))
    assert manifest["version"] == 1
    assert manifest["decision_date"] == "2025-12-10"
    assert manifest["parameter_set"] == "default"
    assert manifest["run_id"] == "run-1"
    assert [item["sha256"] for item in manifest["inputs"]] == ["a" * 64, "b" * 64]
    assert set(manifest["files"]) == editions
    assert manifest["version_statement"].startswith("Version 1, publicerad ")
    assert manifest["replaces_statement"] is None
    assert not list(tmp_path.glob(".publish-*"))


def test_republishing_the_same_decision_is_a_no_op_even_with_a_new_run_id(tmp_path, final):
    publish(tmp_path / "2026", final, publication_info())
    before = snapshot(tmp_path)
    result = publish(tmp_path / "2026", final, publication_info(run_id="run-2"))
    assert result.status == "unchanged"
    assert result.version == 1
    assert result.message.startswith("unchanged, already published on ")
    assert snapshot(tmp_path) == before


def test_different_shares_are_refused_naming_the_changed_municipality(tmp_path, final):
    publish(tmp_path / "2026", final, publication_info())
    before = snapshot(tmp_path)
    changed = move_share(final, "0114", "0115", 5)
    with pytest.raises(PublicationError) as refusal:
        publish(tmp_path / "2026", changed, publication_info())
    message = str(refusal.value)
    assert "0114 Upplands Väsby: share 4.82 → 4.77 ‰" in message
    assert "0115 Vallentuna: share 3.08 → 3.13 ‰" in message
    assert "--reissue --reason" in message
    assert snapshot(tmp_path) == before


def test_refusal_lists_at_most_ten_municipalities(tmp_path, final):
    publish(tmp_path / "2026", final, publication_info())
    changed = final
    for giver, receiver in zip(final["municipality_code"][:12], final["municipality_code"][12:24],
                               strict=True):
        changed = move_share(changed, giver, receiver, 1)
    with pytest.raises(PublicationError, match=r"24 municipalities changed") as refusal:
        publish(tmp_path / "2026", changed, publication_info())
    assert "… and 14 more municipalities" in str(refusal.value)


def test_a_changed_input_hash_is_refused_even_when_the_shares_are_equal(tmp_path, final):
    info = publication_info()
    publish(tmp_path / "2026", final, info)
    other = replace(info, inputs=[replace(info.inputs[0], sha256="c" * 64), info.inputs[1]])
    with pytest.raises(PublicationError, match=r"input population: SHA-256 aaaaaaaaaaaa… → cccc"):
        publish(tmp_path / "2026", final, other)


def test_a_changed_parameter_set_is_refused(tmp_path, final):
    info = publication_info()
    publish(tmp_path / "2026", final, info)
    with pytest.raises(PublicationError, match=r"parameter set default → agency-2025"):
        publish(tmp_path / "2026", final, replace(info, parameter_set="agency-2025"))


def test_a_moved_input_with_the_same_hash_is_still_the_same_decision(tmp_path, final):
    info = publication_info()
    publish(tmp_path / "2026", final, info)
    moved = replace(info, inputs=[replace(item, path="/elsewhere/" + item.path)
                                  for item in info.inputs])
    assert publish(tmp_path / "2026", final, moved).status == "unchanged"


def test_reissue_keeps_the_earlier_version_beside_and_records_the_reason(tmp_path, final):
    year = tmp_path / "2026"
    first = publish(year, final, publication_info())
    old_csv = first.paths["csv"].read_bytes()
    old_files = json.loads(first.paths["manifest"].read_text(encoding="utf-8"))["files"]
    changed = move_share(final, "0114", "0115", 5)

    result = publish(year, changed, publication_info(run_id="run-2"),
                     reissue_reason="Rättad folkmängd för Upplands Väsby")

    assert (result.status, result.version) == ("reissued", 2)
    assert (year / "versions" / "v1" / "shares_2026.csv").read_bytes() == old_csv
    assert (year / "versions" / "v1" / "shares_2026.pdf").exists()
    assert (year / "versions" / "v1" / "publication_2026.json").exists()
    # The two moved rows carry the replaced version's number, every other row as before.
    plain = render_csv(changed, 2).decode("utf-8").splitlines()
    column = plain[0].split(",").index("changed_from_version")

    def mark(line: str) -> str:
        fields = line.split(",")
        fields[column] = "1"
        return ",".join(fields)

    marked = [mark(line) if line.startswith(("0114,", "0115,")) else line for line in plain]
    assert result.paths["csv"].read_text(encoding="utf-8").splitlines() == marked
    manifest = json.loads(result.paths["manifest"].read_text(encoding="utf-8"))
    assert manifest["version"] == 2
    assert manifest["reissue"]["reason"] == "Rättad folkmängd för Upplands Väsby"
    assert manifest["reissue"]["previous_files"] == old_files
    assert manifest["reissue"]["reissued_at"] == "2025-12-10"
    assert [entry["version"] for entry in manifest["history"]] == [1]
    assert publish(year, changed, publication_info(run_id="run-3")).status == "unchanged"


def test_a_second_reissue_extends_the_history(tmp_path, final):
    year = tmp_path / "2026"
    publish(year, final, publication_info())
    publish(year, move_share(final, "0114", "0115", 1), publication_info(), reissue_reason="a")
    result = publish(year, move_share(final, "0114", "0115", 2), publication_info(),
                     reissue_reason="b")
    manifest = json.loads(result.paths["manifest"].read_text(encoding="utf-8"))
    assert result.version == 3
    assert [(entry["version"], entry["reason"]) for entry in manifest["history"]] == [
        (1, None), (2, "a"),
    ]
    assert (year / "versions" / "v2" / "shares_2026.csv").exists()


def test_a_reissue_needs_a_reason(tmp_path, final):
    with pytest.raises(PublicationError, match="needs a reason"):
        publish(tmp_path / "2026", final, publication_info(), reissue_reason="  ")


def break_pdf_edition(monkeypatch, writer) -> None:
    editions = tuple(replace(e, write=writer) if e.key == "pdf" else e for e in store.EDITIONS)
    monkeypatch.setattr(store, "EDITIONS", editions)


def test_failed_rendering_leaves_the_published_files_untouched(tmp_path, final, monkeypatch):
    publish(tmp_path / "2026", final, publication_info())
    before = snapshot(tmp_path)

    def broken_pdf(*args, **kwargs):
        raise RuntimeError("printer on fire")

    break_pdf_edition(monkeypatch, broken_pdf)
    with pytest.raises(RuntimeError, match="printer on fire"):
        publish(tmp_path / "2026", move_share(final, "0114", "0115", 5), publication_info(),
                reissue_reason="correction")
    assert snapshot(tmp_path) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["2026"]


def test_failed_first_publication_leaves_no_files(tmp_path, final, monkeypatch):
    break_pdf_edition(monkeypatch, lambda *args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        publish(tmp_path / "2026", final, publication_info())
    assert snapshot(tmp_path) == {}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["2026"]


def test_an_altered_published_file_is_reported(tmp_path, final):
    result = publish(tmp_path / "2026", final, publication_info())
    result.paths["xlsx"].write_bytes(b"not a workbook")
    with pytest.raises(PublicationError, match="shares_2026.xlsx no longer matches"):
        publish(tmp_path / "2026", final, publication_info())


def test_files_without_a_manifest_are_not_overwritten(tmp_path, final):
    (tmp_path / "2026").mkdir()
    (tmp_path / "2026" / "shares_2026.csv").write_text("hand-made", encoding="utf-8")
    with pytest.raises(PublicationError, match="without the manifest"):
        publish(tmp_path / "2026", final, publication_info())
    assert (tmp_path / "2026" / "shares_2026.csv").read_text(encoding="utf-8") == "hand-made"


def test_shares_not_summing_to_1000_promille_are_not_published(tmp_path, final):
    broken = final.with_columns(share_units=pl.col("share_units") + 1)
    with pytest.raises(PublicationError, match="sum to 1002.90 ‰, not 1000.00 ‰"):
        publish(tmp_path / "2026", broken, publication_info())


def test_two_publishers_of_one_year_take_turns(tmp_path, final):
    results = []

    def run(run_id: str) -> None:
        results.append(publish(tmp_path / "2026", final, publication_info(run_id=run_id)))

    threads = [threading.Thread(target=run, args=(f"run-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(result.status for result in results) == ["published", "unchanged"]
