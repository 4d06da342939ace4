"""The year-end forecast of each in-year measure at a reporting quarter: the area's monthly or quarterly series
up to what the quarter's report showed, projected by :func:`scorecard.evaluation.forecast.year_end` with
intervals calibrated on the backtest of the area's real series in earlier years
(:func:`scorecard.evaluation.forecast.calibration`)."""

from __future__ import annotations

import pandas as pd

from scorecard import register
from scorecard.evaluation import evaluate, forecast
from scorecard.store import db, periods


def forecasts(ctx: register.Context, period: str) -> pd.DataFrame:
    """The context's council's year-end forecast of every measure reported monthly or quarterly, for the financial year
    of the reporting quarter (:func:`scorecard.evaluation.forecast.year_end`), one row per measure: ``forecast_year``
    and ``forecast_label`` (its last period), the figure forecast, value, 80% interval and 50% band (calibrated on the
    real series' backtest of earlier years, :func:`calibration`), method, periods known, whether the series is
    illustrative and, where there is no forecast, the reason."""
    report = periods.parse_label(period)
    year, _ = forecast.financial_year_of(report.seq, "quarter")
    observed = (
        db.connect(ctx.folder)
        .execute(
            "SELECT measure_id, period_kind, period_seq, period_end, value, status FROM observations "
            "WHERE area_code = ? AND period_kind IN ('quarter', 'month') AND period_end <= ? ORDER BY period_seq",
            [ctx.area, report.end],
        )
        .df()
    )
    through = evaluate.shown_through(ctx, period)
    observed = observed[observed["measure_id"].isin(through.index)]  # a measure the register no longer holds: none
    observed = observed[observed["period_end"] <= observed["measure_id"].map(through)]
    scales = {figure: calibration(ctx, year, figure) for figure in forecast.METHOD}
    rows = []
    for measure_id, series in observed.groupby("measure_id", sort=False):
        kind = series["period_kind"].iloc[0]
        upto = report.seq if kind == "quarter" else report.end.year * 12 + report.end.month - 1
        figure = ctx.reg.measure(measure_id).year_figure
        got = forecast.year_end(series, kind, upto, figure, scale=scales[figure])
        end = periods.quarter(year, 4) if kind == "quarter" else periods.month(year + 1, 3)
        values = [periods.financial_year(year).label, end.label, figure, got.value, got.lower, got.upper]
        band = [got.band_lower, got.band_upper, bool((series["status"] == "illustrative").any())]
        rows.append([measure_id, *values, *band, got.method, got.points, got.periods, got.reason])
    return pd.DataFrame(rows, columns=FORECAST_COLUMNS)


FORECAST_COLUMNS = ["measure_id", "forecast_year", "forecast_label", "forecast_figure", "forecast_value",
                    "forecast_lower", "forecast_upper", "forecast_band_lower", "forecast_band_upper",
                    "forecast_illustrative", "forecast_method", "forecast_points", "forecast_periods",
                    "forecast_reason"]  # fmt: skip


_CALIBRATION: dict[tuple, tuple] = {}


def calibration(ctx: register.Context, year: int, figure: str) -> float:
    """The interval scale for forecasts of financial year ``year`` by the method used for ``figure``
    (:func:`scorecard.evaluation.forecast.calibration`): from the backtest of the area's real in-year series on
    the years before it. The backtest is kept per data identity and register (which says each measure's year
    figure; :func:`scorecard.store.db.kept`)."""
    tested = db.kept(
        _CALIBRATION, (ctx.area,), ctx.folder, ctx.reg, lambda _: forecast.backtest(in_year_series(ctx)), 16
    )
    return forecast.calibration(tested, forecast.METHOD[figure], before_year=year)


def in_year_series(ctx: register.Context) -> dict[str, tuple[pd.DataFrame, str, str]]:
    """Every monthly or quarterly series of the context's council: measure id → (period_seq and value, kind, year
    figure), as :func:`scorecard.evaluation.forecast.backtest` takes them."""
    observed = (
        db.connect(ctx.folder)
        .execute(
            "SELECT measure_id, period_kind, period_seq, value, status FROM observations "
            "WHERE area_code = ? AND period_kind IN ('quarter', 'month') ORDER BY measure_id, period_seq",
            [ctx.area],
        )
        .df()
    )
    held = {m.id: m for m in ctx.reg.measures}  # observations of a measure the register no longer holds are not series
    return {
        mid: (series[["period_seq", "value", "status"]], series["period_kind"].iloc[0], held[mid].year_figure)
        for mid, series in observed.groupby("measure_id")
        if mid in held
    }
