-- The warehouse: every row keyed by the share year it was loaded for. Each statistic of the
-- registry (pipeline/ingestion/registry.py) has its own table (create_statistic_table.sql) and a
-- column of share_basis (its statistic columns are filled in from the registry). A warehouse made
-- with other definitions is migrated to these, keeping its rows (create_tables in
-- pipeline/warehouse/sql.py): change a table here, and its stored rows follow.
CREATE TABLE IF NOT EXISTS municipality_register (
    share_year INTEGER NOT NULL,
    municipality_code VARCHAR NOT NULL,
    municipality_name VARCHAR NOT NULL,
    county_code VARCHAR NOT NULL,
    county_name VARCHAR NOT NULL,
    PRIMARY KEY (share_year, municipality_code)
);
-- Provenance: which file, with which hash, each input of a share year was loaded from.
CREATE TABLE IF NOT EXISTS input_files (
    share_year INTEGER NOT NULL,
    statistic VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    illustrative BOOLEAN NOT NULL,
    source VARCHAR NOT NULL,
    PRIMARY KEY (share_year, statistic)
);
-- Each variant of a share year's model (MODEL.md, "Model variants") has its own draft; the standard
-- one is what is reviewed, redistributed and published. Drafts stored before variants existed are
-- standard ones, hence the default.
CREATE TABLE IF NOT EXISTS draft_shares (
    share_year INTEGER NOT NULL,
    variant VARCHAR NOT NULL DEFAULT {standard_variant},
    municipality_code VARCHAR NOT NULL,
    population_share DOUBLE NOT NULL,
    reception_share DOUBLE NOT NULL,
    adjusted_share DOUBLE NOT NULL,
    unrounded_share DOUBLE NOT NULL,
    at_floor BOOLEAN NOT NULL,
    share_units BIGINT NOT NULL,
    decimals INTEGER NOT NULL,
    parameter_set VARCHAR NOT NULL,
    PRIMARY KEY (share_year, variant, municipality_code)
);
CREATE TABLE IF NOT EXISTS final_shares (
    share_year INTEGER NOT NULL,
    municipality_code VARCHAR NOT NULL,
    calculated_units BIGINT NOT NULL,
    given_units BIGINT NOT NULL,
    received_units BIGINT NOT NULL,
    share_units BIGINT NOT NULL CHECK (share_units >= 0),
    decimals INTEGER NOT NULL,
    PRIMARY KEY (share_year, municipality_code)
);
CREATE TABLE IF NOT EXISTS redistribution_agreements (
    share_year INTEGER NOT NULL,
    giver_code VARCHAR NOT NULL,
    receiver_code VARCHAR NOT NULL,
    amount_units BIGINT NOT NULL,
    approved_on DATE NOT NULL,
    reference VARCHAR NOT NULL,
    source VARCHAR NOT NULL
);
-- The statistic columns allow NULL only for a share year stored before its statistic joined the
-- registry; the joins of replace_share_basis.sql never leave one empty.
CREATE TABLE IF NOT EXISTS share_basis (
    share_year INTEGER NOT NULL,
    municipality_code VARCHAR NOT NULL,
    municipality_name VARCHAR NOT NULL,
    county_code VARCHAR NOT NULL,
    county_name VARCHAR NOT NULL,
    {statistic_columns},
    PRIMARY KEY (share_year, municipality_code)
);
-- Why each calculated share of the standard draft changed from the previous share year (MODEL.md,
-- "Why a share changed"), keyed like draft_shares: per factor of pipeline/model/explain.py its
-- Shapley value in ‰ and its term in units of 10^-decimals ‰ (filled in from the registry; NULL
-- only for a share year stored before its statistic joined the registry), then the rounding term
-- and the change of the calculated share, their sum. A share year without a previous one to
-- compare with has no rows.
CREATE TABLE IF NOT EXISTS draft_changes (
    share_year INTEGER NOT NULL,
    variant VARCHAR NOT NULL DEFAULT {standard_variant},
    municipality_code VARCHAR NOT NULL,
    previous_share_year INTEGER NOT NULL,
    decimals INTEGER NOT NULL,
    {change_columns},
    change_rounding_units BIGINT NOT NULL,
    change_calculated_units BIGINT NOT NULL,
    PRIMARY KEY (share_year, variant, municipality_code)
);
