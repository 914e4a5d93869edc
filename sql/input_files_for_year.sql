SELECT statistic, path, sha256, illustrative, source
FROM input_files WHERE share_year = getvariable('share_year') ORDER BY statistic;
