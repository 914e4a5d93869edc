-- The register's municipality codes of one share year, in code order.
SELECT municipality_code FROM municipality_register
WHERE share_year = getvariable('share_year') ORDER BY municipality_code;
