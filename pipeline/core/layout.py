"""Where every input and output lives: the one home of the project's paths.

Everything a run reads is under the data folder (`--data-dir`, default `data/`) and everything it
writes under the output folder (`--out-dir`, default `out/`); moving either moves all of it, the
assignment ledger included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.core.text import county_slug

DEFAULT_DATA_DIR = "data"
DEFAULT_OUT_DIR = "out"


@dataclass(frozen=True)
class Layout:
    """The paths of one data folder and one output folder."""

    data_dir: Path = Path(DEFAULT_DATA_DIR)
    out_dir: Path = Path(DEFAULT_OUT_DIR)

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        object.__setattr__(self, "out_dir", Path(self.out_dir))

    # Inputs -------------------------------------------------------------------------------
    @property
    def register(self) -> Path:
        return self.data_dir / "reference" / "municipalities.csv"

    @property
    def parameters(self) -> Path:
        return self.data_dir / "parameters.toml"

    @property
    def publication_settings(self) -> Path:
        return self.data_dir / "publication.toml"

    @property
    def prognosis(self) -> Path:
        return self.data_dir / "prognosis.toml"

    @property
    def statistics_root(self) -> Path:
        return self.data_dir / "statistics"

    def statistics_folder(self, reference_year: int) -> Path:
        return self.statistics_root / str(reference_year)

    @property
    def redistributions(self) -> Path:
        return self.data_dir / "redistributions"

    def agreements_csv(self, share_year: int) -> Path:
        return self.redistributions / f"{share_year}.csv"

    def returned_forms(self, share_year: int) -> Path:
        return self.redistributions / str(share_year)

    @property
    def review_round(self) -> Path:
        """The county boards' review round: deadline, return address, contact."""
        return self.data_dir / "review.toml"

    @property
    def ledger(self) -> Path:
        return self.data_dir / "ledger" / "assignments.csv"

    @property
    def boundaries(self) -> Path:
        """The municipalities' boundaries for a map (GeoJSON)."""
        return self.data_dir / "reference" / "municipalities_2pct.geojson"

    @property
    def variants(self) -> Path:
        """The named model variants compared before the August proposal."""
        return self.data_dir / "variants.toml"

    # Outputs ------------------------------------------------------------------------------
    def year_out(self, share_year: int) -> Path:
        return self.out_dir / str(share_year)

    def draft_csv(self, share_year: int) -> Path:
        return self.year_out(share_year) / f"draft_shares_{share_year}.csv"

    def draft_change_csv(self, share_year: int) -> Path:
        return self.year_out(share_year) / f"draft_change_{share_year}.csv"

    def draft_provenance(self, share_year: int) -> Path:
        return self.year_out(share_year) / f"draft_shares_{share_year}.json"

    def review_folder(self, share_year: int) -> Path:
        return self.year_out(share_year) / "review"

    def review_workbook(self, share_year: int, county_code: str, county_name: str) -> Path:
        """Named for the people who open it: review_2026_14_vastra-gotalands-lan.xlsx."""
        return self.review_folder(share_year) / (
            f"review_{share_year}_{county_code}_{county_slug(county_name)}.xlsx")

    def variants_folder(self, share_year: int) -> Path:
        return self.year_out(share_year) / "variants"

    def variants_csv(self, share_year: int) -> Path:
        return self.variants_folder(share_year) / f"variants_{share_year}.csv"

    def variants_workbook(self, share_year: int) -> Path:
        """Named in Swedish for the people who open it, like the memo."""
        return self.variants_folder(share_year) / f"varianter_{share_year}.xlsx"

    def variants_memo(self, share_year: int) -> Path:
        return self.variants_folder(share_year) / f"underlag_andelstal_{share_year}.pdf"

    def forecast_csv(self, share_year: int, as_of: date, children: int) -> Path:
        """One file per question asked: forecast_2026_2026-06-30_500.csv."""
        return self.year_out(share_year) / (
            f"forecast_{share_year}_{as_of.isoformat()}_{children}.csv")


    def fulfilment_csv(self, as_of: date) -> Path:
        return self.out_dir / f"fulfilment_{as_of.isoformat()}.csv"

    def fulfilment_xlsx(self, as_of: date) -> Path:
        return self.fulfilment_csv(as_of).with_suffix(".xlsx")


def published_paths(out_year_dir: Path, share_year: int,
                    suffixes: Mapping[str, str]) -> dict[str, Path]:
    """The published names in a year's output folder: `shares_<Y><suffix>` for each edition
    (`{"csv": ".csv", …}`, from the edition registry) and `publication_<Y>.json`."""
    paths = {key: out_year_dir / f"shares_{share_year}{suffix}" for key, suffix in suffixes.items()}
    paths["manifest"] = out_year_dir / f"publication_{share_year}.json"
    return paths
