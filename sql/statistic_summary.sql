-- Post-load invariants of one statistic table for one share year, read by the asset checks.
SELECT
    count(*) AS row_count,
    count(DISTINCT s.municipality_code) AS distinct_codes,
    count(r.municipality_code) AS known_codes,
    (SELECT count(*) FROM municipality_register WHERE share_year = getvariable('share_year'))
        AS register_rows,
    CAST(coalesce(sum(s.value), 0) AS BIGINT) AS national_total,
    coalesce(min(s.value), 0) AS smallest
FROM {table} AS s
LEFT JOIN municipality_register AS r
    ON r.share_year = s.share_year AND r.municipality_code = s.municipality_code
WHERE s.share_year = getvariable('share_year');
