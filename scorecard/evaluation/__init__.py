"""The evaluation: DuckDB gathers the facts for each measure × area (:mod:`.facts_sql`, with the comparator groups'
statistics from :mod:`.group_stats`), then each judgement (:mod:`.judgements`) turns facts into codes;
:mod:`.evaluate` runs both. Never produces sentences."""
