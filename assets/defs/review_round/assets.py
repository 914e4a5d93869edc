"""The review round's status (granskningsomgångens läge): which county boards have returned their
forms, and whether those forms are valid, shown on the asset in the UI."""

from datetime import date

import dagster as dg
import polars as pl

from assets.defs.failures import user_failures
from assets.defs.metadata import markdown
from assets.defs.partitions import share_year_of, share_years
from assets.defs.redistribution.assets import review_workbooks
from assets.defs.resources import RunSettings, WarehouseResource
from assets.defs.sources.assets import returned_forms
from pipeline.ingestion.register import load_register
from pipeline.model.parameters import STANDARD_VARIANT, load_parameters
from pipeline.redistribution.round_status import (
    MISSING,
    NOT_SENT,
    RETURNED,
    SENT,
    VALID,
    WITH_ERRORS,
    round_status,
)
from pipeline.warehouse.sql import create_tables, query

GROUP = "redistribution"
OWNERS = ["team:statistics"]
# The metadata's count of each state, named in English for the UI's plots.
COUNT_KEYS = {VALID: "valid", WITH_ERRORS: "with_errors", RETURNED: "returned",
              MISSING: "missing", SENT: "sent", NOT_SENT: "not_sent"}


@dg.asset(partitions_def=share_years, group_name=GROUP, kinds={"excel"}, owners=OWNERS,
          deps=[review_workbooks, returned_forms])
@user_failures
def review_round_status(context: dg.AssetExecutionContext, settings: RunSettings,
                        warehouse: WarehouseResource):
    """Each county board's place in the review round (länsstyrelsernas granskning): inte
    skickad (not sent), skickad (sent), returnerad (returned, not yet validated: no draft in
    the warehouse), giltig (valid), med fel (with errors, each listed) or saknas (missing after
    the deadline of `data/review.toml`). Reads and validates the forms in
    `data/redistributions/YYYY/` as the share run does, and writes nothing;
    `returned_forms_sensor` requests it as forms arrive."""
    share_year = share_year_of(context)
    layout = settings.layout
    decimals = load_parameters(layout.parameters, share_year).decimals
    with warehouse.get_connection() as conn:
        create_tables(conn)  # a warehouse before its first draft has no tables yet
        draft = query(conn, "draft_for_year", share_year=share_year, variant=STANDARD_VARIANT)
    status = round_status(layout, share_year, load_register(layout.register),
                          draft if draft.height else None, decimals, date.today())
    counts = {COUNT_KEYS[state]: status.count(state) for state in COUNT_KEYS}
    said = ", ".join(f"{n} {key.replace('_', ' ')}" for key, n in counts.items() if n)
    validated = ("validated against the draft in the warehouse" if status.validated
                 else "not validated: no draft of this share year in the warehouse")
    metadata = {
        "summary": f"deadline {status.deadline}: {said} ({validated})",
        "deadline": status.deadline.isoformat(),
        **counts,
        "county_status": dg.MetadataValue.md(markdown(pl.DataFrame({
            "Län": [f"{c.county_code} {c.county_name}" for c in status.counties],
            "Status": [c.status for c in status.counties],
            "Blanketter": [", ".join(c.files) for c in status.counties],
            "Fel": [len(c.problems) for c in status.counties],
        }))),
    }
    problems = [f"- {c.county_name}: {p}" for c in status.counties for p in c.problems]
    if problems:
        metadata["problems"] = dg.MetadataValue.md("\n".join(problems))
    if status.not_read:
        metadata["not_read"] = dg.MetadataValue.md("\n".join(f"- {n}" for n in status.not_read))
    return dg.MaterializeResult(metadata=metadata)
