"""Series breaks (register ``breaks``: the first period of a series that is not comparable with what came
before, e.g. a change of definition or of inspection framework). Direction and trend never compare across
one; the label of the break a figure's series starts from is shown beside a trend that was not tested."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from scorecard.evaluation.judgements.arrays import texts
from scorecard.store import periods

Breaks = Mapping[str, Sequence[str]]
"""measure id → labels of the periods its breaks start with (register ``breaks``)."""


def _starts(labels: Sequence[str]) -> list[tuple[np.datetime64, str]]:
    return sorted((np.datetime64(periods.parse_label(label).start), label) for label in labels)


def _dates(values) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype == "datetime64[ns]":
        return values
    return pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[ns]")


def crosses(measure_id, earlier_start, later_start, breaks: Breaks) -> np.ndarray:
    """True where a break of the row's measure starts after ``earlier_start`` and by ``later_start`` (the
    start dates of two periods of the series); False where either is missing or the measure has no break."""
    measure_id, earlier, later = texts(measure_id), _dates(earlier_start), _dates(later_start)
    out = np.zeros(len(measure_id), dtype=bool)
    for mid, labels in breaks.items():
        rows = measure_id == mid
        for start, _ in _starts(labels):
            out[rows] |= (earlier[rows] < start) & (start <= later[rows])
    return out


def latest(measure_id, period_start, breaks: Breaks) -> np.ndarray:
    """The label of the latest break of the row's measure starting on or before ``period_start`` (None where
    none has): the period the figure's comparable series begins with."""
    measure_id, start = texts(measure_id), _dates(period_start)
    out = np.full(len(measure_id), None, dtype=object)
    for mid, labels in breaks.items():
        rows = measure_id == mid
        for begins, label in _starts(labels):
            out[rows & (start >= begins)] = label
    return out
