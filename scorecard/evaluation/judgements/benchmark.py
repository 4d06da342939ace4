"""Benchmarks against a comparator group (DESIGN.md §5): rank within the group, quartile, and significance
against the group's median. Oriented by polarity: rank 1 and quartile 1 are best.

Rank counts the members strictly better than the council, so tied councils share the better rank
(Fingertips and LG Inform rank the same way). Quartiles need a ranked group of at least four and a polarity.
Raw counts (unit ``count``) are not ranked or tested: councils differ in size. Significance: *similar* when
the benchmark lies inside the council's 95% confidence interval (Wilson for proportions, Byar's or exact
Poisson for counts and rates, or the publisher's own), else *better* or *worse* (*higher* or *lower* for
measures with no polarity).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scorecard.evaluation.judgements.arrays import floats, texts

SIGNIFICANCE = ("better", "similar", "worse", "higher", "lower", "not_compared")
MIN_QUARTILE_GROUP = 4


def rank(value, above, below, members, good, unit) -> pd.Series:
    """1 + the number of group members better than the council (``above``/``below``: members with a higher or
    lower value; higher is "better" for measures with no polarity). NA when not ranked."""
    better = np.where(np.asarray(good) < 0, floats(below), floats(above))
    ranked = ~np.isnan(floats(value)) & ~np.isnan(floats(members)) & (texts(unit) != "count")
    return pd.array(np.where(ranked, better + 1, np.nan), dtype="Int64")


def group_size(value, members) -> pd.Series:
    """How many councils were compared: the group members with a value, and the council itself."""
    present = ~np.isnan(floats(value)) & ~np.isnan(floats(members))
    return pd.array(np.where(present, floats(members) + 1, np.nan), dtype="Int64")


def quartile(rank, size, good, unit) -> pd.Series:
    """1 (best) … 4 (worst) from rank within a group of ``size``; NA for small groups, counts and measures
    with no polarity."""
    rank, size = floats(rank), floats(size)
    shown = ~np.isnan(rank) & (size >= MIN_QUARTILE_GROUP) & (texts(unit) != "count") & (np.asarray(good) != 0)
    with np.errstate(invalid="ignore"):
        return pd.array(np.where(shown, 1 + np.floor(4 * (rank - 1) / size), np.nan), dtype="Int64")


def significance(value, lower, upper, benchmark, good, unit) -> np.ndarray:
    """The significance code of each figure against the benchmark value."""
    value, lower, upper, benchmark = floats(value), floats(lower), floats(upper), floats(benchmark)
    good = np.asarray(good)
    return np.select(
        [
            np.isnan(value) | np.isnan(lower) | np.isnan(upper) | np.isnan(benchmark) | (texts(unit) == "count"),
            (lower <= benchmark) & (benchmark <= upper),
            (good == 0) & (value > benchmark),
            good == 0,
            good * (value - benchmark) > 0,
        ],
        ["not_compared", "similar", "higher", "lower", "better"],
        default="worse",
    ).astype(object)


def rank_within(values, good: int) -> pd.Series:
    """Each value's rank among ``values`` (1 = best by the polarity sign ``good``; highest first when 0), ties
    sharing the better rank as :func:`rank` does; NA for a missing value."""
    oriented = -floats(values) if good < 0 else floats(values)
    ordered = np.sort(oriented[~np.isnan(oriented)])
    better = len(ordered) - np.searchsorted(ordered, oriented, side="right")
    return pd.array(np.where(np.isnan(oriented), np.nan, better + 1), dtype="Int64")
