"""Exceptions for the Strategic Performance Group (DESIGN.md §5): which measures to look at, and why.

A measure is an exception when it is red or amber against target, a performance measure worsening since the
previous period, significantly worse than its benchmark and worsening ("red-red"), missing or stale, or
exceeding its target by more than its tolerance (the framework's two-sided exceptions, seed 001 ~1743).
"""

from __future__ import annotations

import numpy as np

from scorecard.evaluation.judgements import rag as rag_rule
from scorecard.evaluation.judgements.arrays import floats, texts

CODES = ("red", "amber", "worsening", "red_red", "missing", "stale", "exceeding_target")
"""Every reason code, most severe first."""


def reasons(rag, direction, significance, info_type, value, target, tolerance, good) -> np.ndarray:
    """A tuple of reason codes (in :data:`CODES` order) for each row; ``()`` when it is not an exception."""
    rag, direction = texts(rag), texts(direction)
    worsening = direction == "worsening"
    masks = [
        rag == "red",
        rag == "amber",
        worsening & (texts(info_type) != "contextual"),
        worsening & (texts(significance) == "worse"),
        rag == "missing",
        rag == "stale",
        (rag == "green") & (rag_rule.margin(value, target, good) > np.maximum(np.nan_to_num(floats(tolerance)), 0)),
    ]
    combination = np.zeros(len(rag), dtype=np.int64)
    for bit, mask in enumerate(masks):
        combination |= mask.astype(np.int64) << bit
    found = np.unique(combination)
    lookup = np.empty(int(found.max(initial=0)) + 1, dtype=object)
    for value_ in found:  # one tuple per combination of reasons, shared by every row that has it
        lookup[value_] = tuple(c for bit, c in enumerate(CODES) if value_ >> bit & 1)
    return lookup[combination]
