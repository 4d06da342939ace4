"""Year-end forecast: a forward look for measures reported monthly or quarterly (framework, seed 001 ~1667:
"more forward-looking performance assessment").

For the financial year of the report, from the periods reported so far, the forecast projects the year's
figure — the year-end value for a level (a rate, a percentage, a position: register ``year_figure:
year_end``), or the year's total for a count of events (``year_figure: total``) — with an 80% prediction
interval, and judges it against the year's target on the narrower 50% band: *on track* when the whole band
meets the target, *off track* when none of it does, *at risk* only when the target lies inside it. The band
is the 80% interval's calibration applied to ± 0.6745 se, so it is a 50% band under the normal model only (on
the real backtest it held 54% of outturns, held out by year). No status is given on illustrative figures.

Methods (compared by :func:`backtest`, ``python -m scorecard forecast-backtest``; the one used is
:data:`METHOD`):

- ``year_mean`` — a level: the mean of the year's periods so far; a total: the year so far plus the
  remaining periods at the year's mean so far (run rate).
- ``drift`` — ``year_mean`` moved on by the mean yearly change of the level over the earlier complete years,
  for the time from the middle of the year so far to its end (no change with a single earlier year); its
  interval adds the spread of those yearly changes.
- ``latest`` — the latest period carried forward (to the year end, or for each remaining period).
- ``profile`` — last year's in-year profile applied to this year: the latest value plus last year's change
  from the same point to the year end; for a total, the year so far scaled by last year's share of the year
  reached by the same point.

Intervals: σ is the spread of a period's value about its year's mean in up to three earlier complete years
(pooled); each method's error variance follows from treating periods as level plus independent noise, giving
a standard error se. Real series break that model (their levels move within the year), so the intervals are
calibrated by split conformal prediction (Vovk, Gammerman & Shafer 2005; Lei et al. 2018,
:func:`conformal_scale`): the backtest's errors on *real* series, in units of se, give the factor by which the
normal interval (± 1.2816 se) is widened so that 80% of held-out outturns fall inside it; the 50% band is the
same factor on ± 0.6745 se. Illustrative series never calibrate (their generator fits the model). A forecast
needs one complete earlier year and at least one period of the current one; otherwise :func:`year_end` says
why there is none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scorecard.evaluation.judgements import rag
from scorecard.evaluation.judgements.arrays import where

PERIODS = {"quarter": 4, "month": 12}
"""Periods in a financial year, by period kind (the kinds forecast)."""
Z80 = 1.2816
"""Standard normal quantile for a two-sided 80% interval."""
Z50 = 0.6745
"""Standard normal quantile for a two-sided 50% band (the status's band)."""
LEVEL = 0.8
"""The interval's coverage."""
MIN_CALIBRATION = 10
"""Fewest real backtest forecasts a calibration is made from; with fewer the normal interval stands."""
METHODS = ("year_mean", "drift", "latest", "profile")
METHOD = {"year_end": "latest", "total": "drift"}
"""The method used for each kind of year figure: the one with the smallest scaled error in the backtest on real
series (BENCHMARKS.md). No real series is a yearly total, so ``total`` keeps the illustrative series' best."""
HISTORY_YEARS = 3
STATUSES = ("on_track", "at_risk", "off_track")
REASONS = ("not_in_year", "year_complete", "no_data_this_year", "gap_in_year", "history_too_short", "no_variation")


@dataclass(frozen=True)
class Forecast:
    """A year's figure projected from part of the year (or why there is none: ``reason``)."""

    value: float = math.nan
    lower: float = math.nan
    upper: float = math.nan
    method: str | None = None
    points: int = 0
    periods: int = 0
    reason: str | None = None
    sigma: float = math.nan
    """The period noise the interval was built from (one scale for every method of a series)."""
    band_lower: float = math.nan
    band_upper: float = math.nan
    """The 50% band the status is judged on."""


def financial_year_of(seq: int, kind: str) -> tuple[int, int]:
    """(financial year start, position in the year 1…P) of a period's ``seq`` (:mod:`scorecard.store.periods`:
    quarters count from Q1 of FY 0; months from January of year 0)."""
    if kind == "quarter":
        return seq // 4, seq % 4 + 1
    year, month = divmod(seq, 12)  # month 0 = January
    return (year if month >= 3 else year - 1), (month - 3) % 12 + 1


def _years(series: pd.DataFrame, kind: str) -> dict[int, np.ndarray]:
    """Financial year → its P values in order (NaN where a period is missing)."""
    periods = PERIODS[kind]
    out: dict[int, np.ndarray] = {}
    for seq, value in zip(series["period_seq"], series["value"]):
        year, position = financial_year_of(int(seq), kind)
        out.setdefault(year, np.full(periods, np.nan))[position - 1] = value
    return out


def _sigma(previous: list[np.ndarray]) -> float:
    """Pooled spread of a period about its year's mean over complete earlier years (NaN if none)."""
    deviations = np.concatenate([year - year.mean() for year in previous]) if previous else np.array([])
    dof = sum(len(year) - 1 for year in previous)
    return float(math.sqrt((deviations**2).sum() / dof)) if dof > 0 else math.nan


def _drift(previous: list[np.ndarray]) -> tuple[float, float]:
    """(mean change of the yearly level per year, its spread) over the complete earlier years (0, 0 with fewer
    than two; the spread is the change itself with exactly two)."""
    changes = np.diff([year.mean() for year in previous])
    if not len(changes):
        return 0.0, 0.0
    spread = float(changes.std(ddof=1)) if len(changes) > 1 else abs(float(changes[0]))
    return float(changes.mean()), spread


def project(
    current: np.ndarray, previous: list[np.ndarray], sigma: float, figure: str, method: str
) -> tuple[float, float]:
    """(forecast, standard error) of the year's figure from its first n values ``current``, the complete
    earlier years ``previous`` (oldest first) and the period noise ``sigma``."""
    last = previous[-1]
    n, periods = len(current), len(last)
    rest = periods - n
    if method == "drift":  # the year so far plus the level's yearly drift over the gap to the year end
        change, spread = _drift(previous)
        gap = (periods - (n + 1) / 2) / periods  # years from the middle of the year so far to its end
        base, error = project(current, previous, sigma, figure, "year_mean")
        shift = change * gap * (1 if figure == "year_end" else rest)
        return base + shift, math.sqrt(error**2 + (spread * gap * (1 if figure == "year_end" else rest)) ** 2)
    if figure == "year_end":
        if method == "year_mean":
            return float(current.mean()), sigma * math.sqrt(1 + 1 / n)
        if method == "latest":
            return float(current[-1]), sigma * math.sqrt(2)
        return float(current[-1] + last[-1] - last[n - 1]), sigma * 2
    so_far = float(current.sum())
    if method == "year_mean":
        return so_far + rest * float(current.mean()), sigma * math.sqrt(rest * periods / n)
    if method == "latest":
        return so_far + rest * float(current[-1]), sigma * math.sqrt(rest * rest + rest)
    share = float(last[:n].sum()) / float(last.sum())
    return so_far / share, sigma * math.sqrt(2 * rest * periods / n)


def year_end(
    series: pd.DataFrame,
    kind: str,
    upto_seq: int,
    figure: str = "year_end",
    method: str | None = None,
    scale: float = 1.0,
) -> Forecast:
    """The forecast for the financial year holding period ``upto_seq`` from the series' periods up to it
    (``series``: ``period_seq`` and ``value``, one kind of period), its intervals widened by ``scale``
    (:func:`conformal_scale`)."""
    if kind not in PERIODS:
        return Forecast(reason="not_in_year")
    method = method or METHOD[figure]
    year, _ = financial_year_of(upto_seq, kind)
    known = series[(series["period_seq"] <= upto_seq) & series["value"].notna()]
    years = _years(known, kind)
    this_year = years.get(year, np.full(PERIODS[kind], np.nan))
    filled = np.flatnonzero(~np.isnan(this_year))
    points = len(filled)
    if points and filled[-1] == PERIODS[kind] - 1:
        return Forecast(points=points, periods=PERIODS[kind], reason="year_complete")
    if points == 0:
        return Forecast(points=points, periods=PERIODS[kind], reason="no_data_this_year")
    if points != filled[-1] + 1:
        return Forecast(points=points, periods=PERIODS[kind], reason="gap_in_year")
    current = this_year[:points]
    complete = {y: values for y, values in years.items() if y < year and not np.isnan(values).any()}
    if year - 1 not in complete:
        return Forecast(points=points, periods=PERIODS[kind], reason="history_too_short")
    previous = [complete[y] for y in sorted(complete)][-HISTORY_YEARS:]
    sigma = _sigma(previous)
    if not sigma > 0:
        return Forecast(points=points, periods=PERIODS[kind], reason="no_variation")
    value, error = project(current, previous, sigma, figure, method)
    wide, band = scale * Z80 * error, scale * Z50 * error
    return Forecast(
        value, value - wide, value + wide, method, points, PERIODS[kind], None, sigma, value - band, value + band
    )


def conformal_scale(scores) -> float:
    """Split conformal calibration: the ⌈(n + 1) × 0.8⌉-th smallest of n held-out scores |error| / se, over
    :data:`Z80` — the factor that widens the normal 80% interval so that it holds at least 80% of new outturns
    exchangeable with those (Lei et al. 2018, §2.2). NaN with fewer than :data:`MIN_CALIBRATION` scores."""
    scores = np.sort(np.asarray(scores, dtype=float))
    scores = scores[~np.isnan(scores)]
    rank = math.ceil((len(scores) + 1) * LEVEL)
    return float(scores[rank - 1] / Z80) if len(scores) >= MIN_CALIBRATION else math.nan


def scores(tested: pd.DataFrame) -> pd.Series:
    """Each backtest forecast's error in units of its standard error (the conformity score)."""
    return tested["error"].abs() / ((tested["upper"] - tested["lower"]) / (2 * Z80))


def calibration(tested: pd.DataFrame, method: str, before_year: int | None = None) -> float:
    """:func:`conformal_scale` from the backtest's forecasts by ``method`` on real series (of years before
    ``before_year``: a report calibrates on outturns it could have known). 1.0 (the normal interval) when too
    few."""
    real = tested[(tested["method"] == method) & ~tested["illustrative"]]
    if before_year is not None:
        real = real[real["year"] < before_year]
    scale = conformal_scale(scores(real))
    return 1.0 if math.isnan(scale) else scale


def held_out(tested: pd.DataFrame, method: str) -> pd.DataFrame:
    """The backtest's forecasts by ``method`` with calibrated intervals judged on outturns the calibration did
    not see: each real forecast with the scale from the real forecasts of the other years (hold-out by year),
    each illustrative one with the scale from every real forecast. Adds ``scale`` and ``inside_calibrated``."""
    part = tested[tested["method"] == method].copy()
    everything = calibration(tested, method)
    part["scale"] = [
        everything if ill else calibration(tested[tested["year"] != year], method)
        for year, ill in zip(part["year"], part["illustrative"])
    ]
    part["inside_calibrated"] = scores(part) <= part["scale"] * Z80
    return part


def status(lower, upper, target, good) -> np.ndarray:
    """``on_track`` / ``at_risk`` / ``off_track`` for each forecast's 50% band against its target (None where
    there is no forecast, no target or no polarity)."""
    lower, upper, target = (
        pd.to_numeric(pd.Series(x, dtype=object), errors="coerce").to_numpy(float) for x in (lower, upper, target)
    )
    good = np.asarray(good)
    worst, best = np.where(good > 0, lower, -upper), np.where(good > 0, upper, -lower)
    aim = np.where(good > 0, target, -target)
    judged = ~np.isnan(lower) & ~np.isnan(upper) & ~np.isnan(target) & (good != 0)
    return where(judged, np.select([worst >= aim, best < aim], ["on_track", "off_track"], default="at_risk"))


def projected_rag(value, target, tolerance, good, info_type) -> np.ndarray:
    """The RAG the forecast year-end figure would get against the year's target (:func:`..judgements.rag.rate`;
    None where there is no forecast or no target)."""
    value, target = (
        pd.to_numeric(pd.Series(x, dtype=object), errors="coerce").to_numpy(float) for x in (value, target)
    )
    codes = rag.rate(value, target, tolerance, good, info_type, ["ok"] * len(value), [False] * len(value))
    return where(~np.isnan(value) & ~np.isnan(target), codes)


def backtest(series_by_measure: dict[str, tuple[pd.DataFrame, str, str]]) -> pd.DataFrame:
    """Forecast every complete past year that has a complete year before it, from its first one, two and three
    quarters (3, 6 and 9 months), with every method: one row per forecast with the outturn, the error and
    whether the outturn fell inside the 80% interval (uncalibrated), and whether the series is illustrative
    (any figure with that status). ``series_by_measure``: id → (series, kind, figure)."""
    rows = []
    for measure_id, (series, kind, figure) in series_by_measure.items():
        periods = PERIODS[kind]
        illustrative = bool("status" in series and (series["status"] == "illustrative").any())
        years = _years(series[series["value"].notna()], kind)
        complete = sorted(y for y, values in years.items() if not np.isnan(values).any())
        for year in complete:
            if year - 1 not in complete:
                continue
            outturn = float(years[year][-1] if figure == "year_end" else years[year].sum())
            for step in (1, 2, 3):
                position = step * periods // 4
                upto = year * 4 + position - 1 if kind == "quarter" else (year * 12 + 3) + position - 1
                for method in METHODS:
                    got = year_end(series, kind, upto, figure, method)
                    if got.reason:
                        continue
                    rows.append(
                        {
                            "measure_id": measure_id,
                            "year": year,
                            "points": position,
                            "method": method,
                            "forecast": got.value,
                            "lower": got.lower,
                            "upper": got.upper,
                            "outturn": outturn,
                            "error": outturn - got.value,
                            "inside": got.lower <= outturn <= got.upper,
                            "sigma": got.sigma,
                            "illustrative": illustrative,
                        }
                    )
    return pd.DataFrame(
        rows,
        columns=[
            "measure_id",
            "year",
            "points",
            "method",
            "forecast",
            "lower",
            "upper",
            "outturn",
            "error",
            "inside",
            "sigma",
            "illustrative",
        ],
    )
