"""What the site uses from the rest of `pipeline`: the register, the ledger, the published share
tables, the agreements and the goal-fulfilment model.

This is the site's only module that imports the rest of `pipeline` (other than `pipeline.core`),
so that a restructuring of `pipeline/` touches one file here; every other module of
`pipeline.site` takes these names from here. It only re-exports them.
"""

from pipeline.goals.fulfilment import forecast, forecast_table, fulfilment_table, queue_places
from pipeline.goals.ledger import CONNECTION, EQUALISING, FIRST_DATE, read_ledger
from pipeline.goals.prognosis import SCENARIOS, load_national_prognosis
from pipeline.ingestion.register import Municipality, load_register
from pipeline.ingestion.registry import STATISTICS
from pipeline.publication.store import (
    ManifestError,
    published_paths,
    read_manifest,
    read_published_final,
)
from pipeline.publication.table import parse_change_csv, publication_title
from pipeline.redistribution.december_round import collect_agreements

__all__ = [
    "CONNECTION", "EQUALISING", "FIRST_DATE", "STATISTICS", "ManifestError", "Municipality",
    "collect_agreements",
    "SCENARIOS", "forecast", "forecast_table", "fulfilment_table", "load_national_prognosis",
    "load_register", "parse_change_csv", "publication_title", "published_paths", "queue_places",
    "read_ledger", "read_manifest", "read_published_final",
]
