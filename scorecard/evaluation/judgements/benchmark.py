"""Benchmarks against a comparator group (DESIGN.md §5): rank within the group, quartile, and significance
against the group's median. Oriented by polarity: rank 1 and quartile 1 are best.

Rank counts the members strictly better than the council, so tied councils share the better rank (Fingertips and LG
Inform rank the same way). Quartiles need a ranked group of at least four and a polarity. Raw counts (unit
``count``) are not ranked, tested or given a group median, min, max or mean: councils differ in size, so a count is
compared as a rate or not at all (#27). A count the register compares as a rate of its denominator
(``compare_as_rate``: households in temporary accommodation per 1,000 households) is ranked and tested as that rate
(:func:`compared_unit`), its interval scaled from the count's; its group statistics stay unshown beside the count,
and the rate and the group's median rate are given apart. A measure whose units share a judgement (register
``clustered_by``: school places share their school's Ofsted grade) is not tested for significance: an interval
treating the units as independent is too narrow, and no school-level data is held to widen it (a design effect).
Significance: *similar* when the benchmark lies inside the council's 95% confidence interval (Wilson for
proportions, Byar's or exact Poisson for counts and rates, or the publisher's own), else *better* or *worse*
(*higher* or *lower* for measures with no polarity). The group's median excludes the council; rank and quartile
count it in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scorecard.evaluation.judgements.arrays import floats, texts, where

SIGNIFICANCE = ("better", "similar", "worse", "higher", "lower", "not_compared")
MIN_QUARTILE_GROUP = 4
GROUP_SUMMARY = ("benchmark_median", "benchmark_min", "benchmark_max", "benchmark_mean")
"""The group statistics shown beside the council's figure (none for raw counts, :func:`summarised`)."""


def compared_unit(unit, compared_as) -> np.ndarray:
    """The unit councils are compared in: ``rate`` for a count the register compares as a rate of its
    denominator (``compared_as``, its label), else the measure's own."""
    return np.where(texts(compared_as) != "", "rate", texts(unit)).astype(object)


def rate_scale(multiplier, denominator) -> np.ndarray:
    """What turns a count (or its interval) into its rate: ``multiplier / denominator``; NaN where there is no
    denominator above 0 (no rate to compare) or no multiplier (a measure compared on its own figures)."""
    multiplier = floats(multiplier) if np.ndim(multiplier) else float(multiplier)  # one for all rows, or one each
    denominator = floats(denominator)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, multiplier / denominator, np.nan)


def summarised(unit) -> np.ndarray:
    """Whether a group median, min, max and mean mean anything: not for raw counts (councils differ in size)."""
    return texts(unit) != "count"


def not_tested(unit, clustered_by) -> np.ndarray:
    """Why no significance test is made, where none is: ``count`` (raw counts) or ``clustered`` (units that
    share a judgement, register ``clustered_by``); None where one can be."""
    codes = np.select([texts(unit) == "count", texts(clustered_by) != ""], ["count", "clustered"], "")
    return where(codes != "", codes.astype(object))


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


def significance(value, lower, upper, benchmark, good, unit, clustered_by=None) -> np.ndarray:
    """The significance code of each figure against the benchmark value (``not_compared`` where
    :func:`not_tested` gives a reason, or a figure is missing)."""
    value, lower, upper, benchmark = floats(value), floats(lower), floats(upper), floats(benchmark)
    good = np.asarray(good)
    untested = pd.notna(not_tested(unit, [""] * len(value) if clustered_by is None else clustered_by))
    return np.select(
        [
            np.isnan(value) | np.isnan(lower) | np.isnan(upper) | np.isnan(benchmark) | untested,
            (lower <= benchmark) & (benchmark <= upper),
            (good == 0) & (value > benchmark),
            good == 0,
            good * (value - benchmark) > 0,
        ],
        ["not_compared", "similar", "higher", "lower", "better"],
        default="worse",
    ).astype(object)


def rank_within(values, good: int, unit: str = "") -> pd.Series:
    """Each value's rank among ``values`` (1 = best by the polarity sign ``good``; highest first when 0), ties
    sharing the better rank as :func:`rank` does; NA for a missing value, and for raw counts as in :func:`rank`."""
    oriented = -floats(values) if good < 0 else floats(values)
    if unit == "count":
        oriented = np.full(len(oriented), np.nan)
    ordered = np.sort(oriented[~np.isnan(oriented)])
    better = len(ordered) - np.searchsorted(ordered, oriented, side="right")
    return pd.array(np.where(np.isnan(oriented), np.nan, better + 1), dtype="Int64")
