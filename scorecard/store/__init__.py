"""Where tables live: Parquet files and their journalled writes, DuckDB over them, reporting periods, areas
and comparator groups. Imports nothing else of the engine."""
