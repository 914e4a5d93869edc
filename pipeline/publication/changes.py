"""What differs between a published decision and a new run: the words of a refusal."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from pipeline.core.files import sha256_bytes
from pipeline.publication.table import PublicationInfo

MAX_LISTED_CHANGES = 10
REISSUE_HINT = 'To replace a published decision run again with --reissue --reason "<why>".'


def decision_record(info: PublicationInfo, csv_bytes: bytes) -> dict[str, object]:
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
        **statement_record(info),
        "csv_sha256": sha256_bytes(csv_bytes),
    }


# What the editions state besides the shares; changing it changes the published text.
STATEMENT_LABELS = {"issuer": "issuer", "diarienummer": "diarienummer", "contact": "contact",
                    "planning_children": "planning figure",
                    "planning_scenario": "planning scenario",
                    "ledger_as_of": "ledger date of the expected children",
                    "compared_with": "the share year compared with"}


def statement_record(info: PublicationInfo) -> dict[str, object]:
    return {
        "issuer": info.issuer,
        "diarienummer": info.diarienummer,
        "contact": info.contact,
        "planning_children": info.planning_children,
        "planning_scenario": info.planning_scenario,
        "ledger_as_of": info.ledger_as_of.isoformat() if info.ledger_as_of else None,
        "compared_with": info.compared_with,
    }


def record_of(manifest: dict) -> dict[str, object]:
    keys = ("share_year", "decision_date", "decimals", "parameter_set", "parameters",
            "redistributions", *STATEMENT_LABELS)
    record = {key: manifest.get(key) for key in keys}
    record["inputs"] = [
        {key: item.get(key) for key in ("name", "sha256", "illustrative")}
        for item in sorted(manifest.get("inputs", []), key=lambda item: item.get("name", ""))
    ]
    csv_name = f"shares_{manifest.get('share_year')}.csv"
    record["csv_sha256"] = manifest.get("files", {}).get(csv_name)
    return record


def describe_changes(
    previous: dict, record: dict, published_csv: Path, csv_bytes: bytes
) -> list[str]:
    before = record_of(previous)
    changes = []
    labels = {"decision_date": "decision date", "decimals": "decimals",
              "parameter_set": "parameter set", **STATEMENT_LABELS}
    for key, label in labels.items():
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
    try:
        old = _rows_by_code(published_csv.read_bytes())
    except (KeyError, UnicodeDecodeError, csv.Error):
        return ["the shares changed (the published CSV is not a share table, so not listed)"]
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
    """The CSV's values by municipality, without the reissue's marks (which follow from them)."""
    reader = csv.DictReader(io.StringIO(csv_bytes.decode("utf-8")))
    return {row["municipality_code"]: {key: value for key, value in row.items()
                                       if key != "changed_from_version"} for row in reader}


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


def refusal(
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
    lines.append(REISSUE_HINT)
    return "\n".join(lines)


