SELECT * EXCLUDE (share_year) FROM share_basis
WHERE share_year = getvariable('share_year') ORDER BY municipality_code;
