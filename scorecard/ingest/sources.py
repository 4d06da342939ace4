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
from scorecard.ingest import fetch, titled_table
from scorecard.register import Measure
from scorecard.store import periods

SUPPRESSION_CODES = frozenset(
    {"c", "x", "-", "..", ":", "z", "u", "low", "*", "[c]", "[x]", "[z]", "[u]", "[low]", "suppressed"}
)
"""Markers for a value withheld or not available (DfE, ONS, MHCLG conventions, bracketed as in GSS tables):
in a public extract and in a council return alike (loaded as status ``suppressed``, no value)."""
NEGATIVE_SENTINELS = frozenset({-100.0, -999.0, -9999.0})
"""Negative codes some DfE files use for suppression in numeric columns."""

FIGURE_COLUMNS = [
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
]
"""One figure: what a public extract and a council return alike give, after validation."""
OBSERVATION_COLUMNS = [*FIGURE_COLUMNS, "source_id", "batch_id"]
"""A stored observation: a figure and where it came from."""


def default_sources_dir() -> Path:
    """``$SCORECARD_SOURCES``, else ``../shared/data-sources`` beside the project if it is there, else the copy
    fetched by ``python -m scorecard fetch-sources`` (:mod:`scorecard.ingest.fetch`)."""
    env = os.environ.get("SCORECARD_SOURCES")
    if env:
        return Path(env)
    shared = Path(__file__).resolve().parents[3] / "shared" / "data-sources"
    return shared if shared.is_dir() else fetch.default_cache() / "data-sources"


def _relation(path: Path) -> str:
    literal = path.as_posix().replace("'", "''")
    if path.suffix == ".parquet":
        return f"read_parquet('{literal}')"
    return f"read_csv('{literal}', all_varchar=true, header=true)"


def _quote(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _matches(conditions: dict[str, str]) -> str:
    return " AND ".join(f"CAST({_quote(col)} AS VARCHAR) = ?" for col in conditions) or "TRUE"


def read_raw(con: duckdb.DuckDBPyConnection, measure: Measure, sources_dir: Path) -> pd.DataFrame:
    """The selected rows as strings: area (and area_name), period_raw, value_raw, numerator, denominator,
    lower/upper CI, status. With ``numerator_rows``/``denominator_rows`` (a publisher's long format, one row
    per count) the two counts come from two rows of the same area and period, and ``n_numerator`` and
    ``n_denominator`` say how many rows matched (checked by :func:`normalise` once areas are known)."""
    src = measure.source
    path = sources_dir / src.file
    if not path.is_file():
        raise FileNotFoundError(f"{measure.id}: source file not found: {path}")
    wanted = {
        "area": src.area_column,
        "area_name": src.area_name_column,
        "period_raw": src.period_column,
        "value_raw": src.value_column,
        "numerator": src.numerator_column,
        "denominator": src.denominator_column,
        "lower_ci": src.lower_ci_column,
        "upper_ci": src.upper_ci_column,
        "status_raw": src.status_column,
    }
    columns = {alias: f"CAST({_quote(col)} AS VARCHAR)" if col else "NULL::VARCHAR" for alias, col in wanted.items()}
    params = list(src.filters.values())
    if src.numerator_rows:
        keys = ("area", "area_name", "period_raw")
        numerator, denominator = _matches(src.numerator_rows), _matches(src.denominator_rows)
        counted = {
            "numerator": f"max(CASE WHEN {numerator} THEN {columns['numerator']} END)",
            "denominator": f"max(CASE WHEN {denominator} THEN {columns['denominator']} END)",
            "n_numerator": f"count(*) FILTER (WHERE {numerator})",
            "n_denominator": f"count(*) FILTER (WHERE {denominator})",
        }
        select = ", ".join(
            f"{columns[k]} AS {k}" if k in keys else f"{counted.get(k, 'NULL::VARCHAR')} AS {k}"
            for k in [*wanted, "n_numerator", "n_denominator"]
        )
        tail = f" AND (({numerator}) OR ({denominator})) GROUP BY ALL"
        row_values = [*src.numerator_rows.values(), *src.denominator_rows.values()]
        params = [*row_values, *row_values, *params, *row_values]
    else:
        select = ", ".join(f"{expr} AS {alias}" for alias, expr in columns.items())
        tail = ""
    relation = _relation(path)
    if src.layout == "titled_table":
        relation = "titled_source"
        numeric = [src.value_column, src.numerator_column, src.denominator_column, src.lower_ci_column]
        table = titled_table.read(
            path,
            src.file,
            required=[col for col in [*wanted.values(), *src.filters] if col],
            numeric=[col for col in [*numeric, src.upper_ci_column] if col],
            title_contains=src.title_contains,
        )
        con.register(relation, table)
    sql = f"SELECT {select} FROM {relation} WHERE {_matches(src.filters)}{tail}"
    try:
        return con.execute(sql, params).df()
    except duckdb.Error as err:
        raise ValueError(f"{measure.id}: cannot read {src.file}: {err}") from None
    finally:
        if src.layout == "titled_table":
            con.unregister(relation)


def _one_row_per_count(frame: pd.DataFrame, measure: Measure) -> None:
    """Each area and period's numerator and denominator must come from one source row each."""
    for kind in ("numerator", "denominator"):
        many = frame[frame[f"n_{kind}"] > 1]
        if not many.empty:
            first = many.iloc[0]
            raise ValueError(
                f"{measure.id}: {measure.source.file}: {int(first[f'n_{kind}'])} rows match {kind}_rows for area "
                f"{first['area']} period {first['period_raw']} (expected one)"
            )


def _numbers(raw: pd.Series) -> pd.Series:
    return pd.to_numeric(raw.astype("string").str.strip().str.replace(",", "", regex=False), errors="coerce")


def normalise(
    raw: pd.DataFrame, measure: Measure, dfe_to_ons: dict[str, str], area_names: dict[str, str] | None = None
) -> pd.DataFrame:
    """Source rows → observation rows (without batch id): ONS codes, periods, values and status.
    ``area_names`` (lower-case name → code) names the rows a source gives without a code (e.g. DfE's
    "National" and region rows), where the register names an ``area_name_column``."""
    src = measure.source
    frame = raw.copy()
    if src.area_code_type == "dfe":
        frame["area"] = frame["area"].astype("string").str.replace(r"\.0$", "", regex=True).map(dfe_to_ons)
    if src.area_name_column:
        blank = frame["area"].isna() | frame["area"].astype("string").str.strip().eq("")
        named = frame["area_name"].astype("string").str.strip().str.lower().map(area_names or {})
        frame["area"] = frame["area"].where(~blank, named)
    frame = frame[frame["area"].notna() & frame["area"].astype("string").str.startswith("E")]
    if src.numerator_rows:
        _one_row_per_count(frame, measure)
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
        denominator = out["denominator"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):  # a withheld count, or none to count: no value
            value = np.where(denominator > 0, measure.multiplier * out["numerator"].to_numpy() / denominator, np.nan)
        withheld = pd.concat([frame["numerator"], frame["denominator"]], axis=1).apply(
            lambda column: column.astype("string").str.strip().str.lower().isin(SUPPRESSION_CODES)
        )
        value_text = pd.Series(
            np.where(withheld.any(axis=1), "x", np.where(np.isnan(value), pd.NA, "computed")),
            index=frame.index,
            dtype="string",
        )
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
    if src.combine == "sum":
        out = _summed(out)
    return _dedupe(_with_intervals(out, measure), measure)


def _summed(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per area and period, adding up the source's rows (e.g. a council with two Community Safety
    Partnerships); a total with any suppressed part is suppressed."""
    key = ["measure_id", "area_code", "period_kind", "period_label", "period_start", "period_end", "period_seq"]
    grouped = frame.groupby(key, sort=True, dropna=False)
    out = grouped[["value", "numerator", "denominator"]].sum(min_count=1).reset_index()
    suppressed = grouped["status"].agg(lambda status: (status == "suppressed").any()).to_numpy()
    out.loc[suppressed, "value"] = np.nan
    out["lower_ci"] = np.nan
    out["upper_ci"] = np.nan
    out["status"] = np.where(suppressed, "suppressed", "ok")
    return out


def _with_intervals(frame: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """Fill 95% CIs the source did not give: Wilson for proportions, Poisson (Byar's/exact) for counts. None for
    a measure whose units are clustered (register ``clustered_by``): Wilson would treat them as independent."""
    missing = frame["lower_ci"].isna() & frame["value"].notna()
    if measure.clustered_by:
        return frame
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
