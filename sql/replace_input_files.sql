DELETE FROM input_files WHERE share_year = getvariable('share_year');
INSERT INTO input_files
SELECT getvariable('share_year'), statistic, path, sha256, illustrative, source FROM incoming;
