-- One statistic's table ({table} is a name from the registry, whitelisted in Python).
CREATE TABLE IF NOT EXISTS {table} (
    share_year INTEGER NOT NULL, reference_year INTEGER NOT NULL,
    municipality_code VARCHAR NOT NULL, value BIGINT NOT NULL CHECK (value >= 0),
    PRIMARY KEY (share_year, municipality_code)
);
