"""The published share table for 1 January: CSV, Excel and PDF, versioned and immutable."""

import json
from datetime import date

import dagster as dg

from assets.failures import user_failures
from assets.partitions import share_year_of, share_years
from assets.published import restore_published_final_shares
from assets.redistribution import final_shares
from assets.resources import RunSettings, WarehouseResource
from assets.warehouse import query
from pipeline.core.config import described_file, read_sources
from pipeline.core.files import sha256_file
from pipeline.core.units import units_to_text
from pipeline.model.parameters import load_parameters
from pipeline.publication.store import publish, published_paths
from pipeline.publication.table import InputFile, PublicationInfo
from pipeline.redistribution.forms.spreadsheets import classify_folder

GROUP = "publication"
OWNERS = ["team:statistics"]


class PublicationConfig(dg.Config):
    """`reissue_reason` replaces a published table (the earlier one is kept); `decision_date`
    (YYYY-MM-DD) defaults to the published one, else the last approval date, else today."""

    reissue_reason: str | None = None
    decision_date: str | None = None


@dg.asset(partitions_def=share_years, group_name=GROUP, kinds={"csv", "excel", "pdf"},
          owners=OWNERS, deps=[final_shares])
@user_failures
def share_table_publication(context: dg.AssetExecutionContext, config: PublicationConfig,
                            settings: RunSettings, warehouse: WarehouseResource):
    """The share table (kommunandelar) for 1 January of the share year, published as
    out/<Y>/shares_<Y>.csv, .xlsx and .pdf with a manifest. Publishing is atomic; the same
    content again is a no-op; different content is refused unless reissued with a reason."""
    share_year = share_year_of(context)
    params = load_parameters(settings.layout.parameters, share_year)
    with warehouse.get_connection() as conn:
        final = query(conn, "final_for_year", share_year=share_year)
        files = query(conn, "input_files_for_year", share_year=share_year)
        agreements = query(conn, "agreements_for_year", share_year=share_year)
    out = settings.layout.year_out(share_year)
    info = PublicationInfo(
        share_year=share_year,
        decision_date=_decision_date(config, out, share_year, agreements),
        decimals=params.decimals,
        parameter_set=params.name,
        parameters=params.as_dict(),
        inputs=_inputs(files, settings, share_year),
        run_id=context.run.run_id,
        redistributions=[_note(row, params.decimals) for row in agreements.iter_rows(named=True)],
    )
    try:
        result = publish(out, final, info, reissue_reason=config.reissue_reason)
    except BaseException:
        # However publishing ends early (refused, disk full, interrupted), the warehouse must
        # hold what is published, which the next share year compares with.
        with warehouse.get_connection() as conn:
            restore_published_final_shares(conn, settings.layout, [share_year])
        raise
    context.log.info(result.message)
    return dg.MaterializeResult(metadata={
        "summary": result.message,
        "status": result.status,
        "version": dg.MetadataValue.text(str(result.version)),
        "reissue_reason": config.reissue_reason or "",
        "message": result.message,
        "decision_date": info.decision_date.isoformat(),
        "illustrative_inputs": info.illustrative,
        "csv": dg.MetadataValue.path(str(result.paths["csv"])),
        "xlsx": dg.MetadataValue.path(str(result.paths["xlsx"])),
        "pdf": dg.MetadataValue.path(str(result.paths["pdf"])),
    })


def _decision_date(config: PublicationConfig, out, share_year: int, agreements) -> date:
    if config.decision_date:
        return date.fromisoformat(config.decision_date)
    manifest = published_paths(out, share_year)["manifest"]
    if manifest.exists():
        recorded = json.loads(manifest.read_text(encoding="utf-8")).get("decision_date")
        if recorded:
            return date.fromisoformat(recorded)
    if agreements.height:
        return max(agreements["approved_on"].to_list())
    return date.today()


def _inputs(files, settings: RunSettings, share_year: int) -> list[InputFile]:
    inputs = [InputFile(name=row["statistic"], path=row["path"], sha256=row["sha256"],
                        illustrative=bool(row["illustrative"]))
              for row in files.iter_rows(named=True)]
    inputs.append(_file_input("parameters", settings.layout.parameters, illustrative=False))
    layout = settings.layout
    agreements = layout.agreements_csv(share_year)
    if agreements.is_file():
        # An agreement file says in sources.toml whether it is illustrative; no default.
        flag = described_file(agreements)["illustrative"]
        inputs.append(_file_input(f"redistributions/{agreements.name}", agreements, flag))
    # A form returned by a county board is its own statement, official unless the folder's
    # sources.toml lists it as illustrative.
    forms = layout.returned_forms(share_year)
    described = read_sources(forms)
    for path in classify_folder(forms).spreadsheets:
        flag = described.get(path.name, {}).get("illustrative", False)
        inputs.append(_file_input(f"redistributions/{path.name}", path, flag))
    return inputs


def _file_input(name: str, path, illustrative: bool) -> InputFile:
    return InputFile(name=name, path=str(path),
                     sha256=sha256_file(path),
                     illustrative=illustrative)


def _note(row: dict, decimals: int) -> str:
    amount = units_to_text(row["amount_units"], decimals, ",")
    return (f"{row['giver_code']} {row['giver_name']} ger {amount} ‰ till "
            f"{row['receiver_code']} {row['receiver_name']} ({row['reference']}, "
            f"beslutad {row['approved_on'].isoformat()})")
