-- The register snapshot a share year was computed with (municipalities merge and get renamed).
DELETE FROM municipality_register WHERE share_year = getvariable('share_year');
INSERT INTO municipality_register
SELECT getvariable('share_year'), municipality_code, municipality_name, county_code, county_name
FROM incoming;
