"""Direction of travel (DESIGN.md §5; LGA peer challenge Recommendation Eight: "direction of travel on every
measure"): the latest value against a reference — the previous period, and for sub-annual data also the same
period a year earlier — read through the measure's polarity.

A change within the neutral band is "no change": the register's ``neutral_band`` (in the measure's unit), or
by default 1% of the reference value. Measures with no polarity are "increasing" or "decreasing". Across a
series break (register ``breaks``) the values are not comparable.
"""

from __future__ import annotations

import numpy as np

from scorecard.evaluation.judgements.arrays import flags, floats, texts, where

CODES = ("improving", "worsening", "no_change", "increasing", "decreasing", "not_comparable")
DEFAULT_BAND = 0.01
"""The neutral band when the register sets none: 1% of the reference value."""
SUB_ANNUAL = ("quarter", "month")
"""Period kinds also compared with the same period a year earlier."""


def neutral_band(reference, band) -> np.ndarray:
    """The register's band where given, else :data:`DEFAULT_BAND` of the reference's size."""
    band = floats(band)
    return np.where(np.isnan(band), DEFAULT_BAND * np.abs(floats(reference)), band)


def compare(value, reference, good, band, comparable=True) -> np.ndarray:
    """The direction code of ``value`` against ``reference`` for each row: ``not_comparable`` when either is
    missing or ``comparable`` is False (a series break between them)."""
    value, reference = floats(value), floats(reference)
    good = np.asarray(good)
    change = value - reference
    return np.select(
        [
            np.isnan(value) | np.isnan(reference) | ~np.broadcast_to(flags(np.atleast_1d(comparable)), value.shape),
            np.abs(change) <= neutral_band(reference, band),
            (good == 0) & (change > 0),
            good == 0,
            good * change > 0,
        ],
        ["not_comparable", "no_change", "increasing", "decreasing", "improving"],
        default="worsening",
    ).astype(object)


def year_on_year(value, last_year, good, band, period_kind, comparable=True) -> np.ndarray:
    """:func:`compare` against the same period a year earlier, for quarterly and monthly data only (None for
    other kinds and where either value is missing)."""
    codes = compare(value, last_year, good, band, comparable)
    applies = np.isin(texts(period_kind), SUB_ANNUAL) & ~np.isnan(floats(value)) & ~np.isnan(floats(last_year))
    return where(applies, codes)
