-- The final shares of a share year with the register's names, in code order.
SELECT f.municipality_code, r.municipality_name, r.county_code, r.county_name,
       f.calculated_units, f.given_units, f.received_units, f.share_units
FROM final_shares AS f
JOIN municipality_register AS r USING (share_year, municipality_code)
WHERE f.share_year = getvariable('share_year')
ORDER BY f.municipality_code;
