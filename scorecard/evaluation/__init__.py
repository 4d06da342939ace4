"""The evaluation: DuckDB gathers the facts for each measure × area (:mod:`.facts_sql`), then each judgement
(:mod:`.judgements`) turns facts into codes; :mod:`.evaluate` runs both. Never produces sentences."""
