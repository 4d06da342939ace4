"""``python -m scorecard evaluate``: the evaluated scorecard — one row per measure × area at a period."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

import re

from scorecard import ENGLAND, SEFTON, db, periods, register, wording
from scorecard.evaluation_sql import EVALUATION_SQL, NEEDED_FILTER, SCOPE_FILTER

PRUNE_UP_TO = 64
"""Evaluations of at most this many councils read only their own and their comparators' rows."""
AREA_CODE = re.compile(r"^[EWSN]\d{8}$")
from scorecard.geography import group_label


def measures_frame(reg: register.Register) -> pd.DataFrame:
    """The register as a table for SQL: one row per measure."""
    return pd.DataFrame([{
        "measure_id": m.id, "title": m.title, "theme": m.themes[0], "themes": ", ".join(m.themes),
        "info_type": m.info_type, "polarity": m.polarity, "unit": m.unit, "decimals": m.decimals,
        "frequency": m.frequency, "benchmark_group": m.benchmark_group, "neutral_band": m.neutral_band,
        "stale_after_months": m.stale_after_months, "data_match": m.source.match,
        "proxy_for": m.source.proxy_for, "metric_responsibility": m.metric_responsibility,
    } for m in reg.measures])


def _targets(con) -> pd.DataFrame:
    frame = con.execute("SELECT * FROM targets").df()
    fy = [periods.parse_label(label) if label else None for label in frame["financial_year"]]
    frame["fy_start"] = pd.to_datetime([p.start if p else None for p in fy])
    frame["fy_end"] = pd.to_datetime([p.end if p else None for p in fy])
    return frame


def latest_period(area: str = SEFTON, data_dir: str | Path | None = None) -> periods.Period:
    """The latest reporting quarter in which the area has any observation."""
    con = db.connect(data_dir)
    (last,) = con.execute("SELECT max(period_end) FROM observations WHERE area_code = ?", [area]).fetchone()
    if last is None:
        raise LookupError(f"no observations for area {area}")
    return periods.quarter_of(pd.Timestamp(last).date())


def reporting_quarters(area: str = SEFTON, data_dir: str | Path | None = None, count: int = 8) -> list[str]:
    """The latest ``count`` reporting quarters, newest first (for period pickers)."""
    seq = latest_period(area, data_dir).seq
    return [periods.quarter((seq - i) // 4, (seq - i) % 4 + 1).label for i in range(count)]


def _in_list(codes: set[str]) -> str:
    bad = sorted(code for code in codes if not AREA_CODE.match(code))
    if bad:
        raise ValueError(f"not an area code: {bad[0]!r}")
    return ", ".join(f"'{code}'" for code in sorted(codes))


def _with_area_filters(con, areas: list[str], measures: pd.DataFrame, group: str | None) -> str:
    """The evaluation SQL with constant area lists: the councils, and every area their benchmarks read."""
    group_ids = sorted({group} if group else set(measures["benchmark_group"])) + ["cipfa_nn"]
    members = con.execute(
        "SELECT DISTINCT member_code FROM comparator_groups WHERE area_code IN (SELECT * FROM unnest(?)) "
        "AND group_id IN (SELECT * FROM unnest(?))", [list(areas), group_ids]).fetchall()
    needed = set(areas) | {code for (code,) in members} | {ENGLAND}
    return (EVALUATION_SQL.replace(SCOPE_FILTER, f"AND o.area_code IN ({_in_list(set(areas))})")
            .replace(NEEDED_FILTER, f"AND o.area_code IN ({_in_list(needed)})"))


def evaluate(areas: list[str] | None, period: str | None = None, group: str | None = None,
             data_dir: str | Path | None = None, reg: register.Register | None = None) -> pd.DataFrame:
    """Evaluate every measure for the given areas (None = every area) at a reporting period, in one query."""
    reg = reg or register.load()
    con = db.connect(data_dir)
    report = periods.parse_label(period) if period else latest_period(areas[0] if areas else SEFTON, data_dir)
    measures = measures_frame(reg)
    scope = pd.DataFrame({"area_code": areas}) if areas else con.execute("SELECT code AS area_code FROM areas").df()
    con.register("measures_view", measures)
    con.register("targets_view", _targets(con))
    con.register("scope_areas", scope)
    sql = _with_area_filters(con, areas, measures, group) if areas and len(areas) <= PRUNE_UP_TO else EVALUATION_SQL
    frame = con.execute(sql, {"period_end": report.end, "group": group}).df()
    frame = frame.merge(measures.drop(columns=["polarity", "info_type", "unit", "stale_after_months",
                                               "neutral_band", "benchmark_group"]), on="measure_id", how="left")
    frame["report_period"] = report.label
    return frame


def scorecard(area: str = SEFTON, period: str | None = None, group: str | None = None,
              data_dir: str | Path | None = None, reg: register.Register | None = None) -> pd.DataFrame:
    """One area's scorecard in register order, with group names and a plain-English summary per measure."""
    reg = reg or register.load()
    frame = evaluate([area], period, group, data_dir, reg)
    con = db.connect(data_dir)
    area_row = con.execute("SELECT * FROM areas WHERE code = ?", [area]).df()
    if area_row.empty:
        raise LookupError(f"unknown area {area!r}")
    place = area_row.iloc[0].to_dict()
    frame["area_name"] = place["name"]
    frame["benchmark_group_name"] = [group_label(g, place) for g in frame["benchmark_group"]]
    order = {m.id: i for i, m in enumerate(reg.measures)}
    frame = frame.sort_values("measure_id", key=lambda s: s.map(order)).reset_index(drop=True)
    frame["summary"] = [wording.summary(row) for row in frame.to_dict("records")]
    return frame
