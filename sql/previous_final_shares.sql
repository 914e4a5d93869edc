-- The most recent earlier share year with final shares (normally Y−1), for comparisons.
SELECT share_year, municipality_code, share_units
FROM final_shares
WHERE share_year = (SELECT max(share_year) FROM final_shares
                    WHERE share_year < getvariable('share_year'))
ORDER BY municipality_code;
