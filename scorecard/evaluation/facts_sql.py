"""The facts queries: for every measure × area at a reporting period, what the judgements need — in DuckDB, with
no rule in them (:mod:`scorecard.evaluation.judgements` decides; this only gathers).

Per row: the latest value to the report's end with its period, status, counts and 95% interval; the series'
last five stored periods side by side (suffix ``_1`` latest … ``_5`` oldest: value, counts, interval), from
which come the previous period and the trend points; the same period a year earlier; the target in force at
the period's end (:func:`scorecard.register.targets.in_force`); and the value councils are compared on. The
comparator groups' statistics at the council's period are gathered from :data:`VALUES_SQL` and
:data:`MEMBERS_SQL` by :mod:`scorecard.evaluation.group_stats`.

For a quarter before the latest, only figures released by the quarter's report are read (:data:`KNOWN`).

Storage it relies on (:mod:`scorecard.store.storage`): one row per (measure, area, period_end); the integer
keys ``area_key``, ``measure_key`` and ``recency`` on every observation; and ``period_values``, every area's
value ordered by period, for the group statistics.
"""

RECENT_PERIODS = 5
"""The series' latest stored periods set side by side (the trend's points, the previous period)."""
_K = range(1, RECENT_PERIODS + 1)
# ``max(CASE WHEN …)`` rather than ``max(…) FILTER (WHERE …)``: the same values, measured cheaper in DuckDB with
# thirty of them in one group-by — the pivot was the dearest step of the query (one chunk of 65 councils at
# national size, medians of five: 1.25 s → 1.0 s, 2.1 → 1.5 CPU-s; #22).
_RECENT = ",\n           ".join(
    f"max(CASE WHEN rn = {k} THEN {column} END) AS {column}_{k}"
    for k in _K
    for column in ("value", "numerator", "denominator", "lower_ci", "upper_ci")
)

LAST_YEAR = {"quarter": 4, "month": 12}
"""Periods back to the same period a year earlier, by period kind (1 for every yearly kind)."""
DEEPEST = max(LAST_YEAR.values()) + 1
"""Stored periods read of a series whose period a year earlier may lie beyond its latest :data:`RECENT_PERIODS`.
Only the measures :data:`DEEP_SQL` names are read this deep: at national size the read is then 325,000 rows a chunk
instead of 845,000."""
NUMBERED_PER_PERIOD = ("quarter", "month", "financial_year", "academic_year")
"""Period kinds whose ``period_seq`` counts periods, so the same period a year earlier is the one numbered
:data:`LAST_YEAR` back. The other kinds are numbered by their year and may come several in a year (a rolling year
each quarter, snapshots): theirs is the one of the year before that ends in the same month."""
FIVE_DEEP_KINDS = tuple(kind for kind in NUMBERED_PER_PERIOD if LAST_YEAR.get(kind, 1) < RECENT_PERIODS)
"""Period kinds a series of which finds its period a year earlier within its latest five (a quarter's four back, at
most three stored between). A month is twelve back; a kind numbered by its year may come several in a year; a
series of more than one kind interleaves them: all these are read :data:`DEEPEST`."""
DEEP_SQL = f"""
SELECT measure_key FROM observations WHERE recency <= {DEEPEST} + $reach GROUP BY measure_key
HAVING bool_or(period_kind NOT IN ({", ".join(f"'{kind}'" for kind in FIVE_DEEP_KINDS)}))
    OR count(DISTINCT period_kind) > 1
"""
"""The measures to read :data:`DEEPEST` periods deep (``measure_key``), from every row :data:`FACTS_SQL` may read
of any of their series (a measure whose series differ is read deep in all)."""
DEPTH = "/*DEPTH*/", "/*DEPTH_ROWS*/"
"""Markers of how many of each series' latest stored periods :data:`FACTS_SQL` reads: a condition on the stored
``recency`` (DuckDB applies it while it reads) and the rank below the report (``rn``) kept (:func:`depth`)."""


def depth(deep: list[int] | None) -> dict[str, str]:
    """:data:`DEPTH`'s conditions: the latest :data:`RECENT_PERIODS` of every series and :data:`DEEPEST` of the
    measures keyed in ``deep`` (None: of every measure)."""
    if deep is None:
        return {DEPTH[0]: f"o.recency <= {DEEPEST} + $reach", DEPTH[1]: str(DEEPEST)}
    if not deep:
        return {DEPTH[0]: f"o.recency <= {RECENT_PERIODS} + $reach", DEPTH[1]: str(RECENT_PERIODS)}
    keys = ", ".join(str(int(key)) for key in sorted(deep))
    return {
        DEPTH[0]: f"(o.recency <= {RECENT_PERIODS} + $reach OR (o.recency <= {DEEPEST} + $reach "
        f"AND o.measure_key IN ({keys})))",
        DEPTH[1]: f"CASE WHEN o.measure_key IN ({keys}) THEN {DEEPEST} ELSE {RECENT_PERIODS} END",
    }


SCOPE_FILTER, NEEDED_FILTER = "/*SCOPE_FILTER*/", "/*NEEDED_FILTER*/"
"""Markers where :func:`scorecard.evaluation.evaluate.evaluate` adds constant ``area_key`` conditions: the
councils evaluated (on observations, stored by area, in :data:`FACTS_SQL`) and, for a few councils, every area
their benchmarks read (on ``period_values``, in :data:`VALUES_SQL`). DuckDB then skips the Parquet row groups of
other areas."""

KNOWN = {
    "/*KNOWN_JOIN*/": "LEFT JOIN known_ends kn ON kn.measure_id = o.measure_id",
    "/*KNOWN_AFTER*/": "OR o.period_end > kn.known_end",
    "/*KNOWN_UPTO*/": "AND (kn.known_end IS NULL OR o.period_end <= kn.known_end)",
}
"""Marker → condition for a report as known then (:func:`scorecard.evaluation.evaluate.known_ends`): a figure
after its measure's ``known_end`` counts as not yet released, as one after the report's end does. Without them
the markers stay comments and the query is unchanged."""

RATES = {
    "/*COMPARED*/": (
        "CASE WHEN m.rate_multiplier IS NULL THEN c.value "
        "WHEN c.denominator > 0 THEN c.value / c.denominator * m.rate_multiplier END",
        "c.value",
    ),
    "/*VALUES_CVALUE*/": (
        ", CASE WHEN k.rate_multiplier IS NULL THEN v.value "
        "WHEN v.denominator > 0 THEN v.value / v.denominator * k.rate_multiplier END AS cvalue",
        "",
    ),
}
"""Marker → (SQL where some measure is a count compared as a rate of its denominator, SQL where none is): the
compared value is then the value itself, and the other areas' values are read without their denominators."""

FACTS_SQL = (
    """
WITH
params AS (SELECT CAST($period_end AS DATE) AS period_end),
m AS (SELECT * FROM measures_view),
akey AS MATERIALIZED (SELECT code AS area_code, area_key AS ak FROM areas),
scope AS MATERIALIZED (SELECT area_code, ak FROM akey WHERE area_code IN (SELECT area_code FROM scope_areas)),
grid AS (SELECT m.measure_id, s.area_code, s.ak FROM m CROSS JOIN scope s),
after AS MATERIALIZED (  -- how many of each series' stored periods end after the report (usually none)
    SELECT o.area_key AS ak, o.measure_key AS mk, count(*) AS n_after
    FROM observations o /*KNOWN_JOIN*/
    WHERE (o.period_end > CAST($period_end AS DATE) /*KNOWN_AFTER*/)
      AND o.area_key IN (SELECT ak FROM scope) /*SCOPE_FILTER*/
    GROUP BY ALL
),
valued AS MATERIALIZED (  -- the latest periods of each series to the report end (rn 1 = latest): the trend
    -- points, the previous period and the same period last year. ``$reach`` is the most periods any series has
    -- after the report end, so DuckDB can drop older rows as it reads (``recency`` is stored).
    SELECT o.area_key AS ak, o.measure_key AS mk, o.recency - coalesce(a.n_after, 0) AS rn,
           o.measure_id, o.area_code, o.period_kind, o.period_label, o.period_start, o.period_end,
           o.period_seq, o.value, o.numerator, o.denominator, o.lower_ci, o.upper_ci, o.status,
           o.source_id, o.batch_id
    FROM observations o LEFT JOIN after a ON a.ak = o.area_key AND a.mk = o.measure_key /*KNOWN_JOIN*/
    WHERE /*DEPTH*/ AND o.period_end <= CAST($period_end AS DATE) /*KNOWN_UPTO*/ /*SCOPE_FILTER*/
      AND o.recency - coalesce(a.n_after, 0) <= /*DEPTH_ROWS*/
),
cur AS (SELECT * FROM valued WHERE rn = 1),
recent AS (  -- the last five stored periods side by side (suffix 1 = latest … 5 = oldest)
    SELECT ak, mk, count(value) AS recent_points, max(period_seq) - min(period_seq) AS recent_span,
           max(CASE WHEN rn = 2 THEN period_label END) AS previous_period,
           max(CASE WHEN rn = 2 THEN period_start END) AS previous_start,
           max(CASE WHEN rn = 3 THEN period_start END) AS third_start,
           max(CASE WHEN rn = 4 THEN period_start END) AS fourth_start,
           max(CASE WHEN rn = 5 THEN period_start END) AS oldest_start,
           /*RECENT*/
    FROM valued WHERE rn <= 5 GROUP BY ALL
),
last_year AS (
    SELECT c.ak, c.mk, v.value, v.period_label, v.period_start
    FROM cur c JOIN valued v
      ON v.ak = c.ak AND v.mk = c.mk AND v.period_kind = c.period_kind
     AND v.period_seq = c.period_seq - CASE c.period_kind /*LAST_YEAR*/ ELSE 1 END
     AND (c.period_kind IN (/*NUMBERED_PER_PERIOD*/) OR month(v.period_end) = month(c.period_end))
),
mkey AS MATERIALIZED (SELECT DISTINCT mk, measure_id FROM cur)
SELECT g.measure_id, g.area_code, m.* EXCLUDE (measure_id, benchmark_group),
       coalesce(CAST($group AS VARCHAR), m.benchmark_group) AS benchmark_group,
       c.value, c.period_label, c.period_kind, c.period_start, c.period_end, c.status, c.numerator,
       c.denominator, c.lower_ci, c.upper_ci, c.source_id, c.batch_id,
       r.* EXCLUDE (ak, mk), r.value_2 AS previous_value,
       ly.value AS last_year_value, ly.period_label AS last_year_period, ly.period_start AS last_year_start,
       /*COMPARED*/ AS compared_value, c.mk AS measure_key, g.ak AS area_key,
       t.basis AS target_basis, t.value AS target_fixed, t.tolerance AS target_tolerance,
       t.rationale AS target_rationale, t.illustrative AS target_illustrative,
       CAST(p.period_end AS TIMESTAMP) AS report_end
FROM grid g
JOIN m USING (measure_id)
CROSS JOIN params p
LEFT JOIN mkey k USING (measure_id)
LEFT JOIN cur c ON c.ak = g.ak AND c.mk = k.mk
LEFT JOIN recent r ON r.ak = g.ak AND r.mk = k.mk
LEFT JOIN last_year ly ON ly.ak = g.ak AND ly.mk = k.mk
LEFT JOIN targets t ON t.measure_id = g.measure_id  -- one row in force per period (register.targets.in_force)
                   AND (t.fy_start IS NULL OR c.period_end >= t.fy_start)
                   AND (t.fy_end IS NULL OR c.period_end <= t.fy_end)
ORDER BY g.area_code, g.measure_id
""".replace("/*RECENT*/", _RECENT)
    .replace("/*LAST_YEAR*/", " ".join(f"WHEN '{kind}' THEN {back}" for kind, back in LAST_YEAR.items()))
    .replace("/*NUMBERED_PER_PERIOD*/", ", ".join(f"'{kind}'" for kind in NUMBERED_PER_PERIOD))
)

VALUES_SQL = """
SELECT v.measure_key, v.area_key, v.value /*VALUES_CVALUE*/, v.period_end
FROM period_values v JOIN shown_periods k ON v.measure_key = k.measure_key AND v.period_end = k.period_end
WHERE true /*NEEDED_FILTER*/
"""
"""Every area's value (and compared value, :data:`RATES`) at each (measure, period end) the scorecard shows — the
registered table ``shown_periods``, with each measure's ``rate_multiplier`` — for the comparator groups'
statistics (:mod:`scorecard.evaluation.group_stats`). ``period_values`` is stored by period, so only those
periods' row groups are read."""

MEMBERS_SQL = """
SELECT a.area_key, g.group_id, b.area_key AS member_key, g.tier
FROM comparator_groups g JOIN areas a ON a.code = g.area_code JOIN areas b ON b.code = g.member_code
WHERE g.area_code IN (SELECT area_code FROM scope_areas) AND g.group_id IN (SELECT * FROM unnest($groups))
"""
"""The members of each comparator group wanted (``$groups``) of each council evaluated (``scope_areas``), by area
key, with the tier of measure each counts for (:mod:`scorecard.store.geography`)."""
