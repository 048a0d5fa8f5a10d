"""The data plane: DuckDB warehouse, imports, catalog, data dictionary, quality profile."""
