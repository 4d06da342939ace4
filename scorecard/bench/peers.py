"""Two stronger peers for the national benchmark, computing the core of the scorecard — latest and previous
value, direction, CIPFA neighbour median and rank, the chi-squared / weighted trend — as a plain polars
program and as a naive DuckDB query over the observations file (window functions, no stored keys or
``period_values``).

Each gathers the facts its own way and then applies the engine's judgement functions
(:mod:`scorecard.evaluation.judgements`), so the rules stay written once and the benchmark compares the
ways of gathering. Like :mod:`scorecard.bench.baseline` they cover what the synthetic data uses: the CIPFA
neighbour group for every measure (tier ``both``), no series breaks, one kind of period per run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from scorecard.evaluation import evaluate as engine
from scorecard.evaluation.judgements import benchmark, direction, polarity, trend
from scorecard.register import Register
from scorecard.store import db, periods, storage

CORE = ["value", "previous_value", "direction", "benchmark_median", "rank", "group_size", "trend_reason", "trend_chi2"]
"""The fields the peers share with the engine (the benchmark checks them equal)."""
POINTS = ("value", "numerator", "denominator", "lower_ci", "upper_ci")


def judge_core(facts: pd.DataFrame, reg: Register) -> pd.DataFrame:
    """The core judgements from facts with the engine's column names (``value_1`` latest … ``value_5``)."""
    frame = facts.merge(
        engine.measures_frame(reg)[["measure_id", "polarity", "unit", "neutral_band"]], on="measure_id", how="left"
    )
    good = polarity.good_sign(frame["polarity"])
    frame["value"], frame["previous_value"] = frame["value_1"], frame["value_2"]
    frame["direction"] = direction.compare(frame["value"], frame["previous_value"], good, frame["neutral_band"])
    frame["rank"] = benchmark.rank(
        frame["value"], frame["above"], frame["below"], frame["members"], good, frame["unit"]
    )
    frame["group_size"] = benchmark.group_size(frame["value"], frame["members"])
    frame.loc[~benchmark.summarised(frame["unit"]), "benchmark_median"] = np.nan
    reason = trend.reasons(frame["period_kind"], frame["unit"], frame["points"], frame["span"], False)
    tested = pd.isna(reason)
    chi2, method = np.full(len(frame), np.nan), np.full(len(frame), None, dtype=object)
    if tested.any():
        part = frame[tested]
        chi2[tested], _, method[tested], _ = trend.test(
            *(engine._points(part, column) for column in ("numerator", "denominator", "value", "lower_ci", "upper_ci"))
        )
    frame["trend_reason"] = trend.reason_with_method(reason, np.where(tested, method, "n/a"))
    frame["trend_chi2"] = chi2
    return frame[["measure_id", "area_code", *CORE]]


def polars_core(folder: Path, reg: Register, period: str) -> pd.DataFrame:
    """The core facts in polars (lazy scan, group-by of each series' last five periods, a join for the
    neighbours' values), then :func:`judge_core`. Relies on the order ``build-data`` stores (by area,
    measure, period); the benchmark checks the result equal to the engine's."""
    import polars as pl

    end = pd.Timestamp(periods.parse_label(period).end)
    columns = ["measure_id", "area_code", "period_kind", "period_end", "period_seq", *POINTS]
    obs = pl.scan_parquet(storage.table_path(folder, "observations")).select(columns)
    obs = obs.with_columns(pl.col("measure_id", "area_code").cast(pl.String))
    obs = obs.filter(pl.col("period_end") <= end)
    series = (  # the file is stored in period order within each series, which a group-by keeps
        obs.group_by("measure_id", "area_code").agg(
            pl.col("period_kind").last(),
            pl.col("period_end").last(),
            pl.col("value").tail(trend.POINTS).count().alias("points"),
            (pl.col("period_seq").last() - pl.col("period_seq").tail(trend.POINTS).first()).alias("span"),
            *[pl.col(c).get(-k, null_on_oob=True).alias(f"{c}_{k}") for c in POINTS for k in range(1, 6)],
        )
    )
    latest = series.select("measure_id", "area_code", "period_end", pl.col("value_1").alias("own"))
    neighbours = (
        pl.scan_parquet(storage.table_path(folder, "comparator_groups"))
        .filter(pl.col("group_id") == "cipfa_nn")
        .select(pl.col("area_code", "member_code").cast(pl.String))
    )
    values = obs.select("measure_id", pl.col("area_code").alias("member_code"), "period_end", "value").drop_nulls(
        "value"
    )
    group = (
        latest.join(neighbours, on="area_code")
        .join(values, on=["measure_id", "member_code", "period_end"])
        .group_by("measure_id", "area_code")
        .agg(
            pl.col("value").median().alias("benchmark_median"),
            pl.len().alias("members"),
            (pl.col("value") > pl.col("own")).sum().alias("above"),
            (pl.col("value") < pl.col("own")).sum().alias("below"),
        )
    )
    facts = series.join(group, on=["measure_id", "area_code"], how="left").collect().to_pandas()
    return judge_core(facts, reg)


NAIVE_SQL = """
WITH obs AS (
    SELECT measure_id, area_code, period_kind, period_end, period_seq, value, numerator, denominator, lower_ci,
           upper_ci, row_number() OVER (PARTITION BY measure_id, area_code ORDER BY period_end DESC) AS rn
    FROM read_parquet($observations) WHERE period_end <= $period_end
),
series AS (
    SELECT measure_id, area_code, any_value(period_kind) AS period_kind,
           max(period_end) FILTER (WHERE rn = 1) AS period_end, count(value) AS points,
           max(period_seq) - min(period_seq) AS span, /*POINTS*/
    FROM obs WHERE rn <= 5 GROUP BY ALL
),
groups AS (
    SELECT s.measure_id, s.area_code, median(o.value) AS benchmark_median, count(o.value) AS members,
           count(*) FILTER (WHERE o.value > s.value_1) AS above, count(*) FILTER (WHERE o.value < s.value_1) AS below
    FROM series s
    JOIN read_parquet($groups) g ON g.area_code = s.area_code AND g.group_id = 'cipfa_nn'
    JOIN obs o ON o.measure_id = s.measure_id AND o.area_code = g.member_code AND o.period_end = s.period_end
    WHERE o.value IS NOT NULL
    GROUP BY ALL
)
SELECT * FROM series LEFT JOIN groups USING (measure_id, area_code)
""".replace(
    "/*POINTS*/",
    ", ".join(f"max({c}) FILTER (WHERE rn = {k}) AS {c}_{k}" for c in POINTS for k in range(1, 6)),
)


def duckdb_core(folder: Path, reg: Register, period: str) -> pd.DataFrame:
    """The core facts as one naive DuckDB query over the observations file, then :func:`judge_core`."""
    con = db.duckdb.connect()
    facts = con.execute(
        NAIVE_SQL,
        {
            "observations": storage.table_path(folder, "observations").as_posix(),
            "groups": storage.table_path(folder, "comparator_groups").as_posix(),
            "period_end": periods.parse_label(period).end,
        },
    ).df()
    return judge_core(facts, reg)


def compare(engine_result: pd.DataFrame, peer: pd.DataFrame, name: str, columns=CORE, every_row: bool = False) -> int:
    """Rows where ``peer`` and the engine agree on every one of ``columns``; raises on any difference. With
    ``every_row`` the peer must also have a row for every engine row with a value (and no other)."""
    keys = ["measure_id", "area_code"]
    both = peer.merge(engine_result, on=keys, suffixes=("_peer", "_engine"), how="left", indicator=True)
    if (both["_merge"] != "both").any() or len(both) != len(peer):
        raise AssertionError(f"{name} has rows the engine has not, or twice")
    unmatched = engine_result.merge(peer[keys], on=keys, how="left", indicator=True)["_merge"] == "left_only"
    if every_row and engine_result.loc[unmatched.to_numpy(), "value"].notna().any():
        raise AssertionError(f"{name} misses rows the engine has a value for")
    for column in columns:
        left, right = both[f"{column}_peer"], both[f"{column}_engine"]
        if pd.api.types.is_numeric_dtype(right):
            ours, theirs = pd.to_numeric(left, errors="coerce").to_numpy(float), right.to_numpy(float, na_value=np.nan)
            same = (abs(ours - theirs) <= 1e-9 * (1 + abs(theirs))) | (np.isnan(ours) & np.isnan(theirs))
        else:
            same = (left.astype(object) == right.astype(object)) | (left.isna() & right.isna())
        if not bool(np.all(same)):
            bad = both.loc[~np.asarray(same), ["measure_id", "area_code", f"{column}_peer", f"{column}_engine"]]
            raise AssertionError(f"{name} and the engine differ on {column} in {len(bad)} rows:\n{bad.head()}")
    return len(both)
