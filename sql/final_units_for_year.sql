-- The stored final shares of a share year, units only (no register join), in code order.
SELECT municipality_code, calculated_units, given_units, received_units, share_units
FROM final_shares
WHERE share_year = getvariable('share_year')
ORDER BY municipality_code;
