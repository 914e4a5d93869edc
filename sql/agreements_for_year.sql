SELECT a.*, g.municipality_name AS giver_name, r.municipality_name AS receiver_name,
       g.county_code
FROM redistribution_agreements AS a
JOIN municipality_register AS g
    ON g.share_year = a.share_year AND g.municipality_code = a.giver_code
JOIN municipality_register AS r
    ON r.share_year = a.share_year AND r.municipality_code = a.receiver_code
WHERE a.share_year = getvariable('share_year')
ORDER BY a.approved_on, a.giver_code, a.receiver_code;
