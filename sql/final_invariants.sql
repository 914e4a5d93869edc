-- The redistribution invariants, checked against the draft (of the variant the final shares were
-- computed from, the standard one) independently of the Python that applied the agreements:
-- county totals unchanged, national total exact, municipalities outside every agreement unchanged.
WITH joined AS (
    SELECT f.*, d.share_units AS draft_units, r.county_code,
           EXISTS (SELECT 1 FROM redistribution_agreements AS a
                   WHERE a.share_year = f.share_year
                     AND f.municipality_code IN (a.giver_code, a.receiver_code)) AS in_agreement
    FROM final_shares AS f
    JOIN draft_shares AS d USING (share_year, municipality_code)
    JOIN municipality_register AS r USING (share_year, municipality_code)
    WHERE f.share_year = getvariable('share_year') AND d.variant = getvariable('variant')
),
counties AS (
    SELECT county_code, sum(share_units) AS final_total, sum(draft_units) AS draft_total
    FROM joined GROUP BY county_code
)
SELECT
    (SELECT count(*) FROM joined) AS row_count,
    (SELECT CAST(sum(share_units) AS BIGINT) FROM joined) AS national_units,
    (SELECT count(*) FROM counties WHERE final_total <> draft_total) AS counties_changed,
    (SELECT count(*) FROM joined WHERE NOT in_agreement AND share_units <> draft_units)
        AS untouched_changed,
    (SELECT count(*) FROM joined WHERE calculated_units <> draft_units) AS calculated_differs,
    (SELECT count(*) FROM joined WHERE share_units < 0) AS negative;
