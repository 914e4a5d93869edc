DELETE FROM draft_shares WHERE share_year = getvariable('share_year');
INSERT INTO draft_shares
SELECT getvariable('share_year'), municipality_code, population_share, reception_share,
       adjusted_share, unrounded_share, at_floor, share_units, getvariable('decimals'),
       getvariable('parameter_set')
FROM incoming;
