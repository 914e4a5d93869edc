-- Invariants of one variant's draft of a share year, read by the blocking asset checks.
SELECT
    count(*) AS row_count,
    count(DISTINCT municipality_code) AS distinct_codes,
    CAST(coalesce(sum(share_units), 0) AS BIGINT) AS total_units,
    coalesce(min(share_units), 0) AS smallest_units,
    count(*) FILTER (WHERE at_floor) AS at_floor
FROM draft_shares
WHERE share_year = getvariable('share_year') AND variant = getvariable('variant');
