"""Revenue budget monitoring beside performance (framework, seed 001 ~529: "bring together finance, performance
and risk"): each service line's forecast outturn against its budget, as the council's quarterly budget monitoring
reports it (seed 001 ~2349: budget, forecast outturn and variance in £m). A positive variance is a forecast
overspend — adverse; a negative one an underspend — favourable; within half the reported precision (£0.0005m)
the line is on budget.
"""

from __future__ import annotations

import numpy as np

from scorecard.evaluation.judgements.arrays import floats

CODES = ("overspend", "on_budget", "underspend", "no_forecast")
"""Every budget position, adverse first."""
ROUNDING = 0.0005
"""£m: half the last reported digit (figures are given to £0.001m); a smaller variance is no variance."""


def variance(budget, forecast_outturn) -> np.ndarray:
    """Forecast outturn − budget (£m): positive is a forecast overspend."""
    return floats(forecast_outturn) - floats(budget)


def consistent(given_variance, budget, forecast_outturn) -> np.ndarray:
    """True where a variance given with the figures equals forecast − budget to the reported precision (each
    of the three figures rounded to £0.001m, so they may differ by up to three roundings)."""
    return np.abs(floats(given_variance) - variance(budget, forecast_outturn)) <= 3 * ROUNDING + 1e-9


def position(variance_gbpm) -> np.ndarray:
    """The budget position code of each service line's variance."""
    v = floats(variance_gbpm)
    return np.select(
        [np.isnan(v), v > ROUNDING, v < -ROUNDING], ["no_forecast", "overspend", "underspend"], default="on_budget"
    )
