"""The set-based evaluation query: every measure × area in one DuckDB plan.

Methods (DESIGN.md §5):
- RAG against target: Green = met; Amber = missed within the measure's tolerance; Red = beyond it.
  Polarity-aware. Contextual indicators are not rated; separate statuses for no target, missing, stale.
- Direction of travel: latest vs previous period (and vs the same period last year for quarterly
  and monthly data), "no change" inside a neutral band (register ``neutral_band``, default 1% of the
  previous value).
- Recent trend (OHID Fingertips): the last 5 periods, consecutive and each with a value. Proportions:
  chi-squared test for linear trend (Cochran–Armitage) from counts and denominators. Other values with 95% CIs:
  inverse-variance weighted regression, SE = (UCI95 − LCI95)/3.92, chi² = b²/Var(b). Significant
  when chi² > 9.5495 (99.8%) and the slope keeps its sign when each point is left out in turn
  (reference implementations: :mod:`scorecard.evaluation.stats`).
- Benchmark: the comparator group's median, min, max, mean (council excluded), rank of the council
  among the group with values (1 = best by polarity; ties share the better rank), quartile when the
  ranked group has at least 4 members (1 = best). Significance: *similar* if the benchmark median
  lies inside the council's 95% CI (Wilson for proportions, or the source's own interval), else
  better/worse. A group holds only councils of the measure's tier (a county is never compared with its own
  districts, :mod:`scorecard.store.geography`). Raw counts (unit ``count``) are not ranked or tested against
  other councils: councils differ in size. Their Poisson intervals (Byar's/exact) serve the trend test.

Storage it relies on (:mod:`scorecard.store.storage`): one row per (measure, area, period_end); the integer
keys ``area_key``, ``measure_key`` and ``recency`` on every observation; and ``period_values``, every
area's value ordered by period, for the benchmarks.
"""


def _in_x_order(term: str) -> str:
    """``term`` for x = 1 … 5, added left to right (the trend sums below)."""
    return " + ".join(term.format(x=x) for x in range(1, 6))


_POINTS = ", ".join(f"max({v}) FILTER (WHERE x = {x}) AS {v}{x}" for v in "rnwy" for x in range(1, 6))
_SUMS = ", ".join(
    f"{_in_x_order(term)} AS {name}"
    for name, term in (
        ("R", "r{x}"),
        ("N", "n{x}"),
        ("RX", "{x} * r{x}"),
        ("NX", "{x} * n{x}"),
        ("NXX", "{x} * {x} * n{x}"),
        ("W", "w{x}"),
        ("WX", "{x} * w{x}"),
        ("WY", "w{x} * y{x}"),
        ("WXX", "{x} * {x} * w{x}"),
        ("WXY", "{x} * w{x} * y{x}"),
    )
)

SCOPE_FILTER, NEEDED_FILTER = "/*SCOPE_FILTER*/", "/*NEEDED_FILTER*/"
"""Markers where :func:`scorecard.evaluation.evaluate.evaluate` adds constant ``area_key`` conditions: the councils
evaluated (on observations, stored by area) and, for a few councils, every area their benchmarks read (on
``period_values``). DuckDB then skips the Parquet row groups of other areas."""

EVALUATION_SQL = """
WITH
params AS (SELECT CAST($period_end AS DATE) AS period_end),
m AS (SELECT * FROM measures_view),
akey AS MATERIALIZED (SELECT code AS area_code, area_key AS ak FROM areas),
scope AS MATERIALIZED (SELECT area_code, ak FROM akey WHERE area_code IN (SELECT area_code FROM scope_areas)),
grid AS (SELECT m.measure_id, s.area_code, s.ak FROM m CROSS JOIN scope s),
after AS MATERIALIZED (  -- how many of each series' stored periods end after the report (usually none)
    SELECT o.area_key AS ak, o.measure_key AS mk, count(*) AS n_after
    FROM observations o
    WHERE o.period_end > CAST($period_end AS DATE) AND o.area_key IN (SELECT ak FROM scope) /*SCOPE_FILTER*/
    GROUP BY ALL
),
valued AS MATERIALIZED (  -- the latest 13 periods of each series to the report end (rn 1 = latest): a
    -- trend, the previous period and the same period last year. ``$reach`` is the most periods any series
    -- has after the report end, so DuckDB can drop older rows as it reads (``recency`` is stored).
    SELECT o.area_key AS ak, o.measure_key AS mk, o.recency - coalesce(a.n_after, 0) AS rn,
           o.measure_id, o.area_code, o.period_kind, o.period_label, o.period_start, o.period_end,
           o.period_seq, o.value, o.numerator, o.denominator, o.lower_ci, o.upper_ci, o.status,
           o.source_id, o.batch_id
    FROM observations o LEFT JOIN after a ON a.ak = o.area_key AND a.mk = o.measure_key
    WHERE o.recency <= 13 + $reach AND o.period_end <= CAST($period_end AS DATE) /*SCOPE_FILTER*/
      AND o.recency - coalesce(a.n_after, 0) <= 13
),
cur AS (SELECT * FROM valued WHERE rn = 1),
prev AS (SELECT ak, mk, value, period_label FROM valued WHERE rn = 2),
last_year AS (
    SELECT c.ak, c.mk, v.value, v.period_label
    FROM cur c JOIN valued v
      ON v.ak = c.ak AND v.mk = c.mk AND v.period_kind = c.period_kind
     AND v.period_seq = c.period_seq - CASE c.period_kind WHEN 'quarter' THEN 4 WHEN 'month' THEN 12 ELSE 1 END
),
-- recent trend: the series' last five periods, each with a value and consecutive (x = 1 oldest … 5 latest)
window5 AS (
    SELECT ak, mk, count(value) AS n_pts, max(period_seq) - min(period_seq) AS span,
           bool_and(coalesce(numerator IS NOT NULL AND denominator > 0 AND numerator <= denominator, false))
               AS has_counts,
           bool_and(coalesce(upper_ci > lower_ci, false)) AS has_ci
    FROM valued WHERE rn <= 5 GROUP BY ALL
),
tp AS (  -- per point terms for both methods
    SELECT v.ak, v.mk, 6 - v.rn AS x, f.has_counts, f.has_ci,
           v.numerator AS r, v.denominator AS n, v.value AS y,
           CASE WHEN f.has_ci THEN 1.0 / power((v.upper_ci - v.lower_ci) / 3.92, 2) END AS w
    FROM valued v JOIN window5 f USING (ak, mk)
    WHERE v.rn <= 5 AND f.n_pts = 5 AND f.span = 4
),
points AS (  -- each series' five points side by side (r1 … r5 at x = 1 … 5, and so on)
    SELECT ak, mk, any_value(has_counts) AS has_counts, any_value(has_ci) AS has_ci, /*POINTS*/
    FROM tp GROUP BY ALL
),
sums AS (  -- added in x order, not in whatever order parallel threads meet the rows, so the statistic
    -- has the same bits every run (published snapshots are hashed)
    SELECT ak, mk, has_counts, has_ci, /*SUMS*/
    FROM points
),
loo AS (  -- slope statistic with each point left out in turn
    SELECT t.ak, t.mk,
           min(sign(CASE WHEN s.has_counts
                THEN (s.RX - t.r * t.x) - (s.R - t.r) / (s.N - t.n) * (s.NX - t.n * t.x)
                ELSE ((s.W - t.w) * (s.WXY - t.w * t.x * t.y) - (s.WX - t.w * t.x) * (s.WY - t.w * t.y))
                END)) AS min_sign,
           max(sign(CASE WHEN s.has_counts
                THEN (s.RX - t.r * t.x) - (s.R - t.r) / (s.N - t.n) * (s.NX - t.n * t.x)
                ELSE ((s.W - t.w) * (s.WXY - t.w * t.x * t.y) - (s.WX - t.w * t.x) * (s.WY - t.w * t.y))
                END)) AS max_sign
    FROM tp t JOIN sums s USING (ak, mk) GROUP BY ALL
),
trend AS (
    SELECT s.ak, s.mk,
        CASE WHEN s.has_counts AND s.R > 0 AND s.R < s.N
                  THEN power(s.RX - s.R / s.N * s.NX, 2)
                       / NULLIF((s.R / s.N) * (1 - s.R / s.N) * (s.NXX - s.NX * s.NX / s.N), 0)
             WHEN s.has_ci THEN power(s.W * s.WXY - s.WX * s.WY, 2)
                       / NULLIF((s.W * s.WXX - s.WX * s.WX) * s.W, 0)
        END AS chi2,
        CASE WHEN s.has_counts THEN sign(s.RX - s.R / s.N * s.NX)
             WHEN s.has_ci THEN sign(s.W * s.WXY - s.WX * s.WY) END AS slope_sign,
        CASE WHEN s.has_counts THEN 'chi-squared test for trend in proportions'
             WHEN s.has_ci THEN 'inverse-variance weighted regression' END AS trend_method,
        l.min_sign, l.max_sign
    FROM sums s JOIN loo l USING (ak, mk)
),
-- Benchmarks expand every council into its comparators (≈ councils × measures × 15 rows at national
-- scale) on the stored integer keys, and read other areas' values from ``period_values`` (stored by
-- period, so only the periods the scorecard shows are read).
mkey AS MATERIALIZED (SELECT DISTINCT mk, measure_id FROM cur),
groups_wanted AS (
    SELECT measure_id, coalesce(CAST($group AS VARCHAR), benchmark_group) AS group_id FROM m
    UNION SELECT measure_id, 'cipfa_nn' FROM m
),
gkey AS MATERIALIZED (
    SELECT group_id, row_number() OVER (ORDER BY group_id) AS gk FROM (SELECT DISTINCT group_id FROM groups_wanted)
),
cur_k AS MATERIALIZED (
    SELECT c.mk, c.ak, c.period_end, c.value,
           CASE m.polarity WHEN 'lower_is_better' THEN -1 ELSE 1 END AS better_sign
    FROM cur c JOIN m USING (measure_id)
),
values_k AS MATERIALIZED (
    SELECT v.measure_key AS mk, v.area_key AS ak, v.period_end, v.value
    FROM period_values v SEMI JOIN (SELECT DISTINCT mk, period_end FROM cur_k) k
      ON v.measure_key = k.mk AND v.period_end = k.period_end
    WHERE true /*NEEDED_FILTER*/
),
members_k AS MATERIALIZED (  -- with the tier of measure each member counts for (store/geography.py)
    SELECT gkey.gk, s.ak, b.ak AS member_ak, g.tier
    FROM comparator_groups g JOIN gkey USING (group_id)
    JOIN scope s ON s.area_code = g.area_code JOIN akey b ON b.area_code = g.member_code
),
wanted_k AS (
    SELECT mkey.mk, gkey.gk, m.tier
    FROM groups_wanted JOIN mkey USING (measure_id) JOIN gkey USING (group_id) JOIN m USING (measure_id)
),
expanded_k AS MATERIALIZED (  -- materialised: keeps DuckDB from joining values on the measure alone
    SELECT c.mk, c.ak, w.gk, c.period_end, c.value, c.better_sign, g.member_ak
    FROM cur_k c
    JOIN wanted_k w ON w.mk = c.mk
    JOIN members_k g ON g.gk = w.gk AND g.ak = c.ak AND g.tier IN (w.tier, 'both')
),
group_stats AS (
    SELECT e.mk, e.ak, any_value(gkey.group_id) AS group_id,
           median(v.value) AS g_median, min(v.value) AS g_min, max(v.value) AS g_max,
           avg(v.value ORDER BY v.value) AS g_mean,  -- ordered: the same bits every run (snapshots are hashed)
           count(*) AS g_count, count(*) FILTER (WHERE e.better_sign * (v.value - e.value) > 0) AS g_better
    FROM expanded_k e
    JOIN values_k v ON v.mk = e.mk AND v.ak = e.member_ak AND v.period_end = e.period_end
    JOIN gkey ON gkey.gk = e.gk
    GROUP BY e.mk, e.ak, e.gk
),
england AS (
    SELECT c.mk, c.ak, v.value AS england_value
    FROM cur_k c JOIN values_k v ON v.mk = c.mk AND v.period_end = c.period_end
    WHERE v.ak = (SELECT ak FROM akey WHERE area_code = 'E92000001')
),
base AS (
    SELECT g.measure_id, g.area_code, m.title, m.theme, m.themes, m.decimals, m.frequency, m.data_match,
           m.proxy_for, m.metric_responsibility,
           m.polarity, m.info_type, m.unit, m.stale_after_months, m.neutral_band,
           coalesce(CAST($group AS VARCHAR), m.benchmark_group) AS benchmark_group,
           c.value, c.period_label, c.period_kind, c.period_start, c.period_end, c.status, c.numerator,
           c.denominator, c.lower_ci, c.upper_ci, c.source_id, c.batch_id,
           pv.value AS previous_value, pv.period_label AS previous_period,
           ly.value AS last_year_value, ly.period_label AS last_year_period,
           gs.g_median AS benchmark_median, gs.g_min AS benchmark_min, gs.g_max AS benchmark_max,
           gs.g_mean AS benchmark_mean,
           CASE WHEN c.value IS NOT NULL AND gs.g_count IS NOT NULL AND m.unit <> 'count'
                THEN gs.g_better + 1 END AS rank,
           CASE WHEN c.value IS NOT NULL AND gs.g_count IS NOT NULL THEN gs.g_count + 1 END AS group_size,
           cn.g_median AS cipfa_median, e.england_value,
           t.basis AS target_basis, t.tolerance AS target_tolerance, t.rationale AS target_rationale,
           t.illustrative AS target_illustrative,
           CASE t.basis
               WHEN 'fixed' THEN CASE WHEN c.period_end BETWEEN t.fy_start AND t.fy_end THEN t.value END
               WHEN 'cipfa_median' THEN cn.g_median
               WHEN 'england' THEN e.england_value
               WHEN 'previous_year' THEN ly.value
           END AS target,
           tr.chi2 AS trend_chi2, tr.slope_sign, tr.min_sign, tr.max_sign, tr.trend_method,
           CAST(p.period_end AS TIMESTAMP) AS report_end
    FROM grid g
    JOIN m USING (measure_id)
    CROSS JOIN params p
    LEFT JOIN mkey k USING (measure_id)
    LEFT JOIN cur c ON c.ak = g.ak AND c.mk = k.mk
    LEFT JOIN prev pv ON pv.ak = g.ak AND pv.mk = k.mk
    LEFT JOIN last_year ly ON ly.ak = g.ak AND ly.mk = k.mk
    LEFT JOIN group_stats gs ON gs.ak = g.ak AND gs.mk = k.mk
                            AND gs.group_id = coalesce(CAST($group AS VARCHAR), m.benchmark_group)
    LEFT JOIN group_stats cn ON cn.ak = g.ak AND cn.mk = k.mk AND cn.group_id = 'cipfa_nn'
    LEFT JOIN england e ON e.ak = g.ak AND e.mk = k.mk
    LEFT JOIN targets t USING (measure_id)
    LEFT JOIN trend tr ON tr.ak = g.ak AND tr.mk = k.mk
),
judged AS (
    SELECT *,
        CASE polarity WHEN 'lower_is_better' THEN -1 WHEN 'higher_is_better' THEN 1 ELSE 0 END AS good_sign,
        coalesce(neutral_band, 0.01 * abs(previous_value)) AS band,
        value IS NOT NULL AND period_end < report_end - to_months(stale_after_months) AS is_stale
    FROM base
),
rated AS (
    SELECT *,
        CASE WHEN value IS NULL AND status = 'suppressed' THEN 'suppressed'
             WHEN value IS NULL THEN 'missing'
             WHEN is_stale THEN 'stale'
             WHEN info_type = 'contextual' THEN 'not_rated'
             WHEN target IS NULL THEN 'no_target'
             WHEN good_sign * (value - target) >= 0 THEN 'green'
             WHEN good_sign * (value - target) >= -target_tolerance THEN 'amber'
             ELSE 'red' END AS rag,
        CASE WHEN value IS NULL OR previous_value IS NULL THEN 'not_comparable'
             WHEN abs(value - previous_value) <= band THEN 'no_change'
             WHEN good_sign = 0 THEN CASE WHEN value > previous_value THEN 'increasing' ELSE 'decreasing' END
             WHEN good_sign * (value - previous_value) > 0 THEN 'improving' ELSE 'worsening' END AS direction,
        CASE WHEN period_kind NOT IN ('quarter', 'month') OR value IS NULL OR last_year_value IS NULL THEN NULL
             WHEN abs(value - last_year_value) <= coalesce(neutral_band, 0.01 * abs(last_year_value)) THEN 'no_change'
             WHEN good_sign = 0 THEN CASE WHEN value > last_year_value THEN 'increasing' ELSE 'decreasing' END
             WHEN good_sign * (value - last_year_value) > 0 THEN 'improving' ELSE 'worsening'
        END AS direction_year_on_year,
        CASE WHEN trend_chi2 IS NULL THEN 'cannot_be_calculated'
             WHEN trend_chi2 <= 9.5495 OR min_sign <> max_sign OR slope_sign = 0 OR min_sign <> slope_sign
                  THEN 'no_significant_change'
             WHEN good_sign = 0 THEN CASE WHEN slope_sign > 0 THEN 'increasing' ELSE 'decreasing' END
             WHEN slope_sign > 0 AND good_sign > 0 THEN 'increasing_getting_better'
             WHEN slope_sign > 0 THEN 'increasing_getting_worse'
             WHEN good_sign < 0 THEN 'decreasing_getting_better'
             ELSE 'decreasing_getting_worse' END AS trend,
        CASE WHEN rank IS NULL OR group_size < 4 OR unit = 'count' THEN NULL
             WHEN good_sign = 0 THEN NULL
             ELSE 1 + floor(4 * (rank - 1) / group_size)::INTEGER END AS quartile,
        CASE WHEN value IS NULL OR lower_ci IS NULL OR upper_ci IS NULL OR benchmark_median IS NULL
                  OR unit = 'count' THEN 'not_compared'
             WHEN benchmark_median BETWEEN lower_ci AND upper_ci THEN 'similar'
             WHEN good_sign = 0 THEN CASE WHEN value > benchmark_median THEN 'higher' ELSE 'lower' END
             WHEN good_sign * (value - benchmark_median) > 0 THEN 'better' ELSE 'worse' END AS significance
    FROM judged
)
SELECT *,
    list_filter([
        CASE WHEN rag = 'red' THEN 'Red against target' END,
        CASE WHEN rag = 'amber' THEN 'Amber against target' END,
        CASE WHEN direction = 'worsening' AND info_type <> 'contextual' THEN 'Worsening since the previous period' END,
        CASE WHEN significance = 'worse' AND direction = 'worsening'
             THEN 'Significantly worse than benchmark and worsening (red-red)' END,
        CASE WHEN rag = 'missing' THEN 'Missing data' END,
        CASE WHEN rag = 'stale' THEN 'Stale data' END,
        CASE WHEN rag = 'green' AND good_sign * (value - target) > greatest(target_tolerance, 0)
             THEN 'Exceeding target' END
    ], lambda reason: reason IS NOT NULL) AS exception_reasons
FROM rated
ORDER BY area_code, measure_id
""".replace("/*POINTS*/", _POINTS).replace("/*SUMS*/", _SUMS)
