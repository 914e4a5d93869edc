-- Invariants of each stored variant of a share year, read by the variants' asset check.
SELECT
    variant,
    count(*) AS row_count,
    count(DISTINCT municipality_code) AS distinct_codes,
    CAST(coalesce(sum(share_units), 0) AS BIGINT) AS total_units,
    coalesce(min(share_units), 0) AS smallest_units
FROM draft_shares
WHERE share_year = getvariable('share_year') AND variant <> {standard_variant}
GROUP BY variant
ORDER BY variant;
