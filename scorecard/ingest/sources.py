"""Read one measure's rows, for every area, out of a public extract in ``data-sources/``.

The KPI register says, per measure, which file, filters, area/period/value columns and
period format to use; this module turns that into one DuckDB query (values bound as
parameters) and normalises the result: ONS area codes, periods, suppression codes.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from scorecard.evaluation import stats
from scorecard.register import Measure
from scorecard.store import periods

SUPPRESSION_CODES = frozenset(
    {"c", "x", "-", "..", ":", "z", "u", "low", "*", "[c]", "[x]", "[z]", "[u]", "[low]", "suppressed"}
)
"""Markers for a value withheld or not available (DfE, ONS, MHCLG conventions, bracketed as in GSS tables):
in a public extract and in a council return alike (loaded as status ``suppressed``, no value)."""
NEGATIVE_SENTINELS = frozenset({-100.0, -999.0, -9999.0})
"""Negative codes some DfE files use for suppression in numeric columns."""

OBSERVATION_COLUMNS = [
    "measure_id",
    "area_code",
    "period_kind",
    "period_label",
    "period_start",
    "period_end",
    "period_seq",
    "value",
    "numerator",
    "denominator",
    "lower_ci",
    "upper_ci",
    "status",
    "source_id",
    "batch_id",
]


def default_sources_dir() -> Path:
    """``$SCORECARD_SOURCES``, else ``../shared/data-sources`` beside the project."""
    env = os.environ.get("SCORECARD_SOURCES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data-sources"


def _relation(path: Path) -> str:
    literal = path.as_posix().replace("'", "''")
    if path.suffix == ".parquet":
        return f"read_parquet('{literal}')"
    return f"read_csv('{literal}', all_varchar=true, header=true)"


def _quote(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def read_raw(con: duckdb.DuckDBPyConnection, measure: Measure, sources_dir: Path) -> pd.DataFrame:
    """The selected rows as strings: area, period_raw, value_raw, numerator, denominator, lower/upper CI, status."""
    src = measure.source
    path = sources_dir / src.file
    if not path.is_file():
        raise FileNotFoundError(f"{measure.id}: source file not found: {path}")
    wanted = {
        "area": src.area_column,
        "period_raw": src.period_column,
        "value_raw": src.value_column,
        "numerator": src.numerator_column,
        "denominator": src.denominator_column,
        "lower_ci": src.lower_ci_column,
        "upper_ci": src.upper_ci_column,
        "status_raw": src.status_column,
    }
    select = ", ".join(
        f"CAST({_quote(col)} AS VARCHAR) AS {alias}" if col else f"NULL::VARCHAR AS {alias}"
        for alias, col in wanted.items()
    )
    where = " AND ".join(f"CAST({_quote(col)} AS VARCHAR) = ?" for col in src.filters) or "TRUE"
    sql = f"SELECT {select} FROM {_relation(path)} WHERE {where}"
    try:
        return con.execute(sql, list(src.filters.values())).df()
    except duckdb.Error as err:
        raise ValueError(f"{measure.id}: cannot read {src.file}: {err}") from None


def _numbers(raw: pd.Series) -> pd.Series:
    return pd.to_numeric(raw.astype("string").str.strip().str.replace(",", "", regex=False), errors="coerce")


def normalise(raw: pd.DataFrame, measure: Measure, dfe_to_ons: dict[str, str]) -> pd.DataFrame:
    """Source rows → observation rows (without batch id): ONS codes, periods, values and status."""
    src = measure.source
    frame = raw.copy()
    if src.area_code_type == "dfe":
        frame["area"] = frame["area"].astype("string").str.replace(r"\.0$", "", regex=True).map(dfe_to_ons)
    frame = frame[frame["area"].notna() & frame["area"].astype("string").str.startswith("E")]
    if src.fixed_period:
        parsed = {src.fixed_period: periods.parse_label(src.fixed_period)}
        frame["period_raw"] = src.fixed_period
    else:
        frame = frame[frame["period_raw"].notna()]
        parsed = {
            raw_period: periods.parse(raw_period, src.period_format) for raw_period in frame["period_raw"].unique()
        }
    out = pd.DataFrame({"measure_id": measure.id, "area_code": frame["area"].astype(str).to_numpy()})
    chosen = [parsed[p] for p in frame["period_raw"]]
    out["period_kind"] = [p.kind for p in chosen]
    out["period_label"] = [p.label for p in chosen]
    out["period_start"] = pd.to_datetime([p.start for p in chosen])
    out["period_end"] = pd.to_datetime([p.end for p in chosen])
    out["period_seq"] = np.array([p.seq for p in chosen], dtype="int64")
    for column in ("numerator", "denominator", "lower_ci", "upper_ci"):
        out[column] = _numbers(frame[column]).to_numpy(dtype="float64")
    value_text = frame["value_raw"].astype("string").str.strip()
    value = _numbers(value_text).to_numpy(dtype="float64")
    if not src.value_column:
        value = measure.multiplier * out["numerator"].to_numpy() / out["denominator"].to_numpy()
        value_text = pd.Series(np.where(np.isnan(value), None, "computed"), index=frame.index, dtype="string")
    status_text = frame["status_raw"].astype("string").str.strip().str.lower()
    suppressed = (
        value_text.str.lower().isin(SUPPRESSION_CODES).fillna(False).to_numpy()
        | np.isin(value, list(NEGATIVE_SENTINELS))
        | (np.isnan(value) & status_text.isin(SUPPRESSION_CODES).fillna(False).to_numpy())
    )
    value = np.where(suppressed, np.nan, value)
    out["value"] = value
    out["status"] = np.where(suppressed, "suppressed", "ok")
    keep = ~np.isnan(value) | suppressed
    out = out[keep].reset_index(drop=True)
    return _dedupe(_with_intervals(out, measure), measure)


def _with_intervals(frame: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """Fill 95% CIs the source did not give: Wilson for proportions, Poisson (Byar's/exact) for counts."""
    missing = frame["lower_ci"].isna() & frame["value"].notna()
    if measure.calculation == "proportion":
        low, high = stats.wilson_ci_array(frame["numerator"], frame["denominator"])
        frame.loc[missing, "lower_ci"] = (low * measure.multiplier)[missing.to_numpy()]
        frame.loc[missing, "upper_ci"] = (high * measure.multiplier)[missing.to_numpy()]
    elif measure.unit == "count":
        low, high = stats.poisson_ci_array(frame["value"])
        frame.loc[missing, "lower_ci"] = low[missing.to_numpy()]
        frame.loc[missing, "upper_ci"] = high[missing.to_numpy()]
    return frame


def _dedupe(frame: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """One row per area and period; an area listed twice (e.g. as district and as unitary) must agree."""
    key = ["area_code", "period_label"]
    dupes = frame[frame.duplicated(key, keep=False)]
    if not dupes.empty:
        spread = dupes.groupby(key)["value"].nunique(dropna=False)
        conflicts = spread[spread > 1]
        if not conflicts.empty:
            area, label = conflicts.index[0]
            raise ValueError(
                f"{measure.id}: {len(conflicts)} area/period pairs have conflicting values, e.g. {area} {label}"
            )
    return frame.drop_duplicates(key).sort_values(key).reset_index(drop=True)
