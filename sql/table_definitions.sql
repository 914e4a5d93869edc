-- The tables of the warehouse and of the catalog holding the definitions sql/ gives today, each
-- with its definition as DuckDB prints it and its columns in order: what a migration compares.
SELECT t.database_name = getvariable('code_catalog') AS of_the_code, t.table_name, t.sql,
       list(c.column_name ORDER BY c.column_index) AS columns
FROM duckdb_tables() AS t
JOIN duckdb_columns() AS c USING (database_name, schema_name, table_name)
WHERE t.database_name IN (current_database(), getvariable('code_catalog'))
  AND t.schema_name = 'main'
GROUP BY ALL;
