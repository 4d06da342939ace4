"""Recent trend, as OHID Fingertips calculates it (Fingertips "Recent trends" method; PHE Technical Guide).

Over a series' last five points, consecutive and each with a value: for proportions with counts, the
chi-squared test for linear trend (Cochran–Armitage); otherwise inverse-variance weighted regression with
SE = (UCI95 − LCI95)/3.92 (:mod:`scorecard.evaluation.stats`). Significant when chi² > 9.5495 (99.8%, 1 df)
and the slope keeps its sign when each point is left out in turn.

Applied where Fingertips applies it — annual series (financial, academic or calendar years, and annual
snapshots) — and not to quarterly or monthly data, raw counts, pooled multi-year periods, or across a series
break (register ``breaks``). Where it is not applied, :func:`reasons` says why.
"""

from __future__ import annotations

import numpy as np

from scorecard.evaluation import stats
from scorecard.evaluation.judgements.arrays import floats, texts, where

POINTS = 5
CHI2_CRITICAL = 9.5495
"""chi² with 1 df at 99.8% (``scipy.stats.chi2.ppf(0.998, 1)``)."""
ANNUAL = ("financial_year", "academic_year", "calendar_year", "snapshot")
"""Period kinds the test applies to (snapshots are annual positions, e.g. 30 September)."""
CODES = (
    "increasing_getting_better",
    "increasing_getting_worse",
    "decreasing_getting_better",
    "decreasing_getting_worse",
    "increasing",
    "decreasing",
    "no_significant_change",
    "cannot_be_calculated",
    "not_applied",
)
NOT_APPLIED = ("sub_annual", "pooled", "count", "series_break", "clustered")
"""Why Fingertips would not test a series: quarterly or monthly data; pooled multi-year periods; a raw count;
the last five points straddle a series break."""
CANNOT = ("too_few_points", "no_counts_or_intervals")
"""Why a series it would test cannot be: fewer than five consecutive points; neither counts nor intervals."""
METHODS = ("proportions", "weighted_regression")


def reasons(period_kind, unit, points, span, crosses_break, clustered_by=None) -> np.ndarray:
    """Why each series is not tested (a code of :data:`NOT_APPLIED` or ``too_few_points``; None where it is
    tested): ``points`` is how many of the last five periods have a value, ``span`` the number of periods
    from the oldest to the latest of them. Units clustered in a shared judgement (register ``clustered_by``)
    are not independent, which both tests assume."""
    kind = texts(period_kind)
    points, span = floats(points), floats(span)
    clustered = texts([""] * len(kind) if clustered_by is None else clustered_by) != ""
    found = np.select(
        [
            np.isin(kind, ("quarter", "month")),
            kind == "multi_year",
            texts(unit) == "count",
            np.asarray(crosses_break, dtype=bool),
            clustered,
            ~((points == POINTS) & (span == POINTS - 1)),
        ],
        ["sub_annual", "pooled", "count", "series_break", "clustered", "too_few_points"],
        default="",
    )
    return where(found != "", found)


def test(numerators, denominators, values, lower, upper) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The trend statistic for series given as (series × 5) arrays, oldest point first: ``(chi2, slope, method,
    significant)``. Counts are used where every point has a numerator and a denominator above it; else
    confidence intervals where every point has one; else NaN and method None."""
    r, n, y, lo, hi = (
        np.atleast_2d(np.asarray(a, dtype=float)) for a in (numerators, denominators, values, lower, upper)
    )
    counts = np.all(np.isfinite(r) & np.isfinite(n) & (n > 0) & (r >= 0) & (r <= n), axis=1)
    intervals = ~counts & np.all(np.isfinite(lo) & np.isfinite(hi) & (hi > lo), axis=1)
    chi2_p, slope_p, out_p = stats.trend_rows_proportions(r, n)
    chi2_w, slope_w, out_w = stats.trend_rows_weighted(y, lo, hi)
    chi2 = np.where(counts, chi2_p, np.where(intervals, chi2_w, np.nan))
    slope = np.where(counts, slope_p, np.where(intervals, slope_w, np.nan))
    left_out = np.where(counts[:, None], out_p, out_w)
    method = where(counts | intervals, np.where(counts, "proportions", "weighted_regression"))
    return chi2, slope, method, significant(chi2, slope, left_out)


def significant(chi2, slope, slopes_left_out) -> np.ndarray:
    """Fingertips' rule: chi² above :data:`CHI2_CRITICAL` and every leave-one-out slope with the full slope's
    non-zero sign (the trend is not one point's doing). NaN anywhere is not significant."""
    chi2, slope = floats(chi2), floats(slope)
    out = np.atleast_2d(np.asarray(slopes_left_out, dtype=float))
    same_sign = np.all(np.sign(out) == np.sign(slope)[:, None], axis=1) & (out.shape[1] > 0)
    return (chi2 > CHI2_CRITICAL) & (np.sign(slope) != 0) & same_sign


def code(reason, method, chi2, slope, is_significant, good) -> np.ndarray:
    """The trend code of each series from its :func:`reasons`, its :func:`test` results and its polarity sign:
    ``not_applied`` for a reason in :data:`NOT_APPLIED`; ``cannot_be_calculated`` for too few points, no
    counts or intervals (``method`` None) or an undefined statistic."""
    reason = texts(reason)
    up = floats(slope) > 0
    good = np.asarray(good)
    better = np.where(up, good > 0, good < 0)
    direction = np.where(up, "increasing", "decreasing")
    return np.select(
        [
            np.isin(reason, NOT_APPLIED),
            (reason != "") | (texts(method) == "") | np.isnan(floats(chi2)),
            ~np.asarray(is_significant, dtype=bool),
            good == 0,
        ],
        ["not_applied", "cannot_be_calculated", "no_significant_change", direction],
        default=np.char.add(direction.astype(str), np.where(better, "_getting_better", "_getting_worse")),
    ).astype(object)


def reason_with_method(reason, method) -> np.ndarray:
    """:func:`reasons` completed by the test: ``no_counts_or_intervals`` where a tested series had neither."""
    reason = np.asarray(reason, dtype=object)
    return np.where((texts(reason) == "") & (texts(method) == ""), "no_counts_or_intervals", reason).astype(object)
