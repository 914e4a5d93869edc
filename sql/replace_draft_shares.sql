-- One variant's draft of one share year, delete-then-insert: the other variants stay as they are.
DELETE FROM draft_shares
WHERE share_year = getvariable('share_year') AND variant = getvariable('variant');
INSERT INTO draft_shares
SELECT getvariable('share_year'), getvariable('variant'), municipality_code, population_share,
       reception_share, adjusted_share, unrounded_share, at_floor, share_units,
       getvariable('decimals'), getvariable('parameter_set')
FROM incoming;
