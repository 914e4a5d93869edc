-- B, the housing days of unaccompanied minors by arrival municipality, for reference year R
-- (MODEL.md, "The case register"), from the register: for each municipality k, over the
-- assignments whose arrival municipality is k, the days d of R with arrival_date <= d < end.
-- `end` is the transfer date; where arrival and assigned municipality are the same, the
-- assignment itself records the transfer, dated the assignment date; a child not yet transferred
-- is still in the arrival municipality's care, and `end` is the day after 31 December of R.
-- A stay that began before R counts from 1 January; one that ends after R up to 31 December.
-- Dates are calendar dates, so a leap year has 366 days. Every municipality of `municipalities`
-- gets a row, a true zero where no child stayed.
-- Reads the views register_assignments, register_transfers and municipalities.
WITH bounds AS (
    SELECT make_date(getvariable('reference_year'), 1, 1) AS first_day,
           make_date(getvariable('reference_year') + 1, 1, 1) AS day_after
),
-- Only a transfer before the end of R can end a stay inside it (a later one ends it at the end
-- of R, as no transfer would), and only for a child assigned before the end of R (a transfer is
-- never before its assignment): the join looks at no other, which keeps it small.
ending_in_year AS (
    SELECT t.assignment_id, t.transfer_date
    FROM register_transfers AS t, bounds AS b
    WHERE t.transfer_date < b.day_after
),
stays AS (
    SELECT a.arrival_municipality_code AS municipality_code,
           greatest(a.arrival_date, b.first_day) AS stay_from,
           coalesce(t.transfer_date,
                    CASE WHEN a.arrival_municipality_code = a.municipality_code
                              AND a.date < b.day_after THEN a.date END,
                    b.day_after) AS stay_until
    FROM register_assignments AS a
    CROSS JOIN bounds AS b
    LEFT JOIN ending_in_year AS t
        ON t.assignment_id = a.assignment_id AND a.date < b.day_after
    WHERE a.arrival_date < b.day_after
),
days AS (
    SELECT municipality_code, sum(stay_until - stay_from) AS value
    FROM stays
    WHERE stay_until > stay_from
    GROUP BY municipality_code
)
SELECT m.municipality_code, CAST(coalesce(d.value, 0) AS BIGINT) AS value
FROM municipalities AS m
LEFT JOIN days AS d USING (municipality_code)
ORDER BY m.municipality_code;
