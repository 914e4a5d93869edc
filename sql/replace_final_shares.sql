DELETE FROM final_shares WHERE share_year = getvariable('share_year');
INSERT INTO final_shares
SELECT getvariable('share_year'), municipality_code, calculated_units, given_units,
       received_units, share_units, getvariable('decimals')
FROM incoming;
