-- Every model variant of one share year but the standard one (MODEL.md, "Model variants for the
-- August proposal"), delete-then-insert: a variant taken out of data/variants.toml leaves no rows
-- behind, and the standard draft, the one reviewed and published, is never written here.
DELETE FROM draft_shares
WHERE share_year = getvariable('share_year') AND variant <> {standard_variant};
INSERT INTO draft_shares
SELECT getvariable('share_year'), variant, municipality_code, population_share, reception_share,
       adjusted_share, unrounded_share, at_floor, share_units, getvariable('decimals'),
       parameter_set
FROM incoming
WHERE variant <> {standard_variant};
