-- share_basis for one share year: every statistic joined per municipality, delete-then-insert.
-- The statistic values and joins are filled in from the registry, one per statistic.
DELETE FROM share_basis WHERE share_year = getvariable('share_year');
INSERT INTO share_basis
SELECT
    r.share_year, r.municipality_code, r.municipality_name, r.county_code, r.county_name,
    {statistic_values}
FROM municipality_register AS r
{statistic_joins}
WHERE r.share_year = getvariable('share_year');
