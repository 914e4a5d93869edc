-- Idempotent load of one statistic for one share year: delete the partition, then insert.
-- {table} is one of the five statistic tables (whitelisted in Python); `incoming` is the validated
-- frame (municipality_code, value).
DELETE FROM {table} WHERE share_year = getvariable('share_year');
INSERT INTO {table} (share_year, reference_year, municipality_code, value)
SELECT getvariable('share_year'), getvariable('reference_year'), municipality_code, value
FROM incoming;
