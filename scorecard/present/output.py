"""Render an evaluated scorecard as a table, CSV or JSON for the command line."""

from __future__ import annotations

import json

import pandas as pd

from scorecard.present import wording
from scorecard.store import frames, text

JSON_COLUMNS = [
    "measure_id",
    "title",
    "theme",
    "info_type",
    "polarity",
    "seed_polarity",
    "unit",
    "area_code",
    "value",
    "period_label",
    "status",
    "data_match",
    "proxy_for",
    "numerator",
    "denominator",
    "lower_ci",
    "upper_ci",
    "previous_value",
    "previous_period",
    "last_year_value",
    "last_year_period",
    "target",
    "target_basis",
    "target_tolerance",
    "target_rationale",
    "rag",
    "direction",
    "direction_year_on_year",
    "trend",
    "trend_reason",
    "series_break",
    "trend_method",
    "benchmark_group",
    "benchmark_group_name",
    "benchmark_median",
    "benchmark_min",
    "benchmark_max",
    "benchmark_mean",
    "compared_as",
    "compared_value",
    "compared_median",
    "rank",
    "group_size",
    "quartile",
    "significance",
    "england_value",
    "exception",
    "exception_reasons",
    "exception_severity",
    "exception_tier",
    "previous_rag",
    "previous_rag_period",
    "new_figure",
    "deterioration",
    "not_tested",
    "forecast_year",
    "forecast_label",
    "forecast_value",
    "forecast_lower",
    "forecast_upper",
    "forecast_method",
    "forecast_illustrative",
    "forecast_status",
    "forecast_rag",
    "forecast_reason",
    "source_id",
    "batch_id",
    "report_period",
    "summary",
]


def _records(frame: pd.DataFrame) -> list[dict]:
    out = frame.copy()
    out["exception"] = out["exception_reasons"].map(len) > 0
    out["exception_reasons"] = out["exception_reasons"].map(list)
    out = out[JSON_COLUMNS].astype(object).where(out[JSON_COLUMNS].notna(), None)
    return frames.records(out)


def render(frame: pd.DataFrame, fmt: str) -> str:
    """``table`` (aligned text), ``csv`` or ``json`` (a list of objects)."""
    if fmt == "json":
        return json.dumps(_records(frame), indent=1, default=str) + "\n"
    if fmt == "csv":
        records = pd.DataFrame(_records(frame))
        records["exception_reasons"] = records["exception_reasons"].map("; ".join)
        return text.csv_bytes(records).decode("utf-8")
    shown = pd.DataFrame(
        {
            "measure": frame["measure_id"],
            "value": [
                wording.format_value(v, u, d) for v, u, d in zip(frame["value"], frame["unit"], frame["decimals"])
            ],
            "period": frame["period_label"].fillna(""),
            "RAG": frame["rag"].map(wording.rag_text),
            "direction": frame["direction"].map(wording.direction_text),
            "trend": frame["trend"].map(wording.TREND),
            "rank": [f"{int(r)}/{int(n)}" if pd.notna(r) else "" for r, n in zip(frame["rank"], frame["group_size"])],
        }
    )
    return shown.to_string(index=False) + "\n"
