"""The facts of the national evaluation gathered the way an analyst would in pandas: groupby/apply per
measure, then the same judgements as the engine (:func:`scorecard.evaluation.evaluate.judge`).

It makes the benchmark's speed-up honest — pandas against DuckDB for the facts, one set of rules for both —
and must give the engine's results (checked on a sample by the benchmark). It covers what the synthetic data
uses: fixed and CIPFA-median targets, the CIPFA neighbour group, one kind of period per run.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scorecard.evaluation import evaluate as engine
from scorecard.evaluation.judgements import trend
from scorecard.ingest import build
from scorecard.register import Register
from scorecard.store import periods

_POINT_COLUMNS = ("value", "numerator", "denominator", "lower_ci", "upper_ci")


def _series_facts(s: pd.DataFrame) -> pd.Series:
    """One area's series of one measure (oldest first) → its latest value and last five periods."""
    last = s.iloc[-1]
    recent = s.tail(trend.POINTS)
    facts = {
        "value": last["value"],
        "period_label": last["period_label"],
        "period_kind": last["period_kind"],
        "period_start": last["period_start"],
        "period_end": last["period_end"],
        "period_seq": last["period_seq"],
        "status": last["status"],
        "lower_ci": last["lower_ci"],
        "upper_ci": last["upper_ci"],
        "denominator": last["denominator"],
        "recent_points": recent["value"].notna().sum(),
        "recent_span": recent["period_seq"].max() - recent["period_seq"].min(),
        "previous_period": s["period_label"].iloc[-2] if len(s) > 1 else None,
        "previous_start": s["period_start"].iloc[-2] if len(s) > 1 else pd.NaT,
        "third_start": s["period_start"].iloc[-3] if len(s) > 2 else pd.NaT,
        "fourth_start": s["period_start"].iloc[-4] if len(s) > 3 else pd.NaT,
        "oldest_start": s["period_start"].iloc[-trend.POINTS] if len(s) >= trend.POINTS else pd.NaT,
    }
    for k in range(1, trend.POINTS + 1):
        for column in _POINT_COLUMNS:
            facts[f"{column}_{k}"] = s[column].iloc[-k] if len(s) >= k else math.nan
    facts["previous_value"] = facts["value_2"]
    return pd.Series(facts)


def evaluate(observations: pd.DataFrame, groups: pd.DataFrame, reg: Register, period: str) -> pd.DataFrame:
    """One row per measure × area: facts computed measure by measure with groupby/apply, then judged."""
    report_end = pd.Timestamp(periods.parse_label(period).end)
    neighbours = groups[groups["group_id"] == "cipfa_nn"].groupby("area_code")["member_code"].apply(list).to_dict()
    obs = observations[observations["period_end"] <= report_end]
    measures = engine.measures_frame(reg).set_index("measure_id")
    targets = build.targets_table(reg).set_index("measure_id")
    parts = []
    for measure in reg.measures:
        frame = obs[obs["measure_id"] == measure.id].sort_values("period_end")
        if frame.empty:
            continue
        per_area = frame.groupby("area_code", observed=True).apply(_series_facts, include_groups=False)
        values_at = frame.set_index(["area_code", "period_end"])["value"].to_dict()
        rows = []
        for area, row in per_area.iterrows():
            members = [values_at.get((m, row["period_end"])) for m in neighbours.get(area, [])]
            found = np.array([v for v in members if v is not None and not math.isnan(v)])
            year_earlier = frame[
                (frame["area_code"] == area)
                & (frame["period_seq"] == row["period_seq"] - {"quarter": 4, "month": 12}.get(row["period_kind"], 1))
            ]
            rows.append(
                {
                    "area_code": area,
                    "benchmark_median": float(np.median(found)) if len(found) else math.nan,
                    "benchmark_members": len(found) if len(found) else math.nan,
                    "benchmark_above": int((found > row["value"]).sum()) if len(found) else math.nan,
                    "benchmark_below": int((found < row["value"]).sum()) if len(found) else math.nan,
                    "last_year_value": year_earlier["value"].iloc[0] if len(year_earlier) else math.nan,
                    "last_year_start": year_earlier["period_start"].iloc[0] if len(year_earlier) else pd.NaT,
                }
            )
        facts = per_area.reset_index().merge(pd.DataFrame(rows), on="area_code")
        facts.insert(0, "measure_id", measure.id)
        for column, value in measures.loc[measure.id].items():
            facts[column] = value
        target = targets.loc[measure.id] if measure.id in targets.index else None
        in_force = target is not None and (
            pd.isna(target["fy_start"]) | facts["period_end"].between(target["fy_start"], target["fy_end"])
        )
        facts["target_basis"] = np.where(in_force, None if target is None else target["basis"], None)
        facts["target_fixed"] = np.where(in_force, math.nan if target is None else target["value"], math.nan)
        facts["target_tolerance"] = np.where(in_force, math.nan if target is None else target["tolerance"], math.nan)
        facts["cipfa_median"] = facts["benchmark_median"]
        assert measure.compare_as_rate is None, f"{measure.id}: the baseline compares no count as a rate"
        facts["compared_value"], facts["compared_median"] = facts["value"], facts["benchmark_median"]
        facts["england_value"] = math.nan
        facts["report_end"] = report_end
        parts.append(facts)
    return engine.judge(pd.concat(parts, ignore_index=True), reg)
