-- One table brought to its definition of today with every row kept, inside the caller's
-- transaction: the stored table is set aside, created anew (as DuckDB prints what
-- create_tables.sql makes of it), and the columns both have are copied back; a column new to the
-- table gets its DEFAULT, else NULL.
ALTER TABLE {table} RENAME TO {table}_before_migration;
{definition}
INSERT INTO {table} ({columns}) SELECT {columns} FROM {table}_before_migration;
DROP TABLE {table}_before_migration;
