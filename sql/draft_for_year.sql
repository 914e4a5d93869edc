-- One variant's draft of a share year with its basis and register names, in code order.
SELECT b.*, d.population_share, d.reception_share, d.adjusted_share, d.unrounded_share,
       d.at_floor, d.share_units
FROM share_basis AS b
JOIN draft_shares AS d USING (share_year, municipality_code)
WHERE b.share_year = getvariable('share_year') AND d.variant = getvariable('variant')
ORDER BY b.municipality_code;
