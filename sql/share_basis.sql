-- The five inputs per municipality for one share year, with the register's names and counties.
SELECT
    r.municipality_code, r.municipality_name, r.county_code, r.county_name,
    p.value AS population,
    n.value AS newcomers_settled,
    m.value AS minors_received,
    a.value AS asylum_housing_days,
    b.value AS minor_arrival_housing_days
FROM municipality_register AS r
JOIN population AS p USING (share_year, municipality_code)
JOIN newcomers_settled AS n USING (share_year, municipality_code)
JOIN minors_received AS m USING (share_year, municipality_code)
JOIN asylum_housing_days AS a USING (share_year, municipality_code)
JOIN minor_arrival_housing_days AS b USING (share_year, municipality_code)
WHERE r.share_year = getvariable('share_year')
ORDER BY r.municipality_code;
