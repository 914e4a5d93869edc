-- share_basis for one share year: the five inputs joined per municipality, delete-then-insert.
DELETE FROM share_basis WHERE share_year = getvariable('share_year');
INSERT INTO share_basis
SELECT
    r.share_year, r.municipality_code, r.municipality_name, r.county_code, r.county_name,
    p.value, n.value, m.value, a.value, b.value
FROM municipality_register AS r
JOIN population AS p USING (share_year, municipality_code)
JOIN newcomers_settled AS n USING (share_year, municipality_code)
JOIN minors_received AS m USING (share_year, municipality_code)
JOIN asylum_housing_days AS a USING (share_year, municipality_code)
JOIN minor_arrival_housing_days AS b USING (share_year, municipality_code)
WHERE r.share_year = getvariable('share_year');
