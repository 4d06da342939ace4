"""RAG against target (DESIGN.md §5): Green = target met; Amber = missed but within the measure's tolerance;
Red = beyond it. Polarity-aware. Contextual indicators are never rated; separate codes for no target set,
missing data (and suppressed by the publisher) and stale data.

Targets are fixed for a financial year or derived from a benchmark (register ``target.basis``):
:func:`target_in_force` picks the value a measure is judged against.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scorecard.evaluation.judgements.arrays import flags, floats, texts

AWAITING = "awaiting"
"""The code of a figure or target withheld from a publication because it is illustrative (awaiting the
service's return, :mod:`scorecard.governance.withhold`); :func:`rate` never gives it."""
CODES = ("green", "amber", "red", "no_target", "not_rated", "missing", "suppressed", "stale", AWAITING)
"""Every RAG code, in the order counts are shown."""
RATED = ("green", "amber", "red")
BASES = ("fixed", "cipfa_median", "england", "previous_year")
"""Target bases: a fixed value for the financial year, the CIPFA nearest-neighbour median, the England
value, or the same period last year."""


def target_in_force(basis, fixed_value, cipfa_median, england_value, last_year_value) -> np.ndarray:
    """The target value for each row by its basis (NaN where no target is in force). ``fixed_value`` is the
    fixed target whose financial year contains the figure's period (NaN if none)."""
    basis = texts(basis)
    return np.select(
        [basis == "fixed", basis == "cipfa_median", basis == "england", basis == "previous_year"],
        [floats(fixed_value), floats(cipfa_median), floats(england_value), floats(last_year_value)],
        default=np.nan,
    )


def is_stale(period_end, report_end, stale_after_months) -> np.ndarray:
    """True where the figure's period ended more than ``stale_after_months`` before the report's end
    (months counted back from the report end, day clamped as DuckDB and pandas do)."""
    ends = pd.to_datetime(pd.Series(period_end))
    months = pd.Series(stale_after_months).astype("int64")
    report = pd.Timestamp(report_end)
    cutoffs = {m: report - pd.DateOffset(months=int(m)) for m in months.unique()}
    cutoff = pd.to_datetime(months.map(cutoffs))
    return (ends.notna() & (ends.to_numpy() < cutoff.to_numpy())).to_numpy(dtype=bool)


def rate(value, target, tolerance, good, info_type, status, stale) -> np.ndarray:
    """The RAG code of each row. ``good`` is the polarity sign (:func:`..polarity.good_sign`); ``tolerance``
    is how far a missed target may be (in the measure's unit) and still be amber; met exactly is green."""
    gap = margin(value, target, good)
    info_type, status, absent = texts(info_type), texts(status), np.isnan(floats(value))
    return np.select(
        [
            absent & (status == "suppressed"),
            absent,
            flags(stale),
            info_type == "contextual",
            np.isnan(floats(target)),
            gap >= 0,
            gap >= -np.nan_to_num(floats(tolerance)),
        ],
        ["suppressed", "missing", "stale", "not_rated", "no_target", "green", "amber"],
        default="red",
    ).astype(object)


def margin(value, target, good) -> np.ndarray:
    """How far each figure is better (+) or worse (−) than its target, in the measure's unit (NaN if either
    is missing): the quantity :func:`rate` compares with the tolerance."""
    return np.asarray(good, dtype=float) * (floats(value) - floats(target))
