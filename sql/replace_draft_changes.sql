-- The explained change of one variant's draft of a share year, delete-then-insert; `incoming` has
-- municipality_code and the change columns (none when there is no previous year to compare with).
DELETE FROM draft_changes
WHERE share_year = getvariable('share_year') AND variant = getvariable('variant');
INSERT INTO draft_changes BY NAME
SELECT getvariable('share_year') AS share_year, getvariable('variant') AS variant,
       getvariable('previous_share_year') AS previous_share_year,
       getvariable('decimals') AS decimals, *
FROM incoming;
