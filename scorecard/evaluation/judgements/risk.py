"""Risks shown beside the measures and actions they threaten: a risk's score is likelihood × impact, each
scored 1 to the register's ``risk_policy.scale`` (a 5 × 5 matrix by default, as corporate risk registers
commonly use), banded high, medium or low by the register's ``risk_policy`` thresholds.
"""

from __future__ import annotations

import numpy as np

from scorecard.evaluation.judgements.arrays import floats

CODES = ("high", "medium", "low")
"""Every band, most severe first."""


def score(likelihood, impact) -> np.ndarray:
    """Likelihood × impact."""
    return floats(likelihood) * floats(impact)


def band(scores, high: int, medium: int) -> np.ndarray:
    """``high`` from the ``high`` threshold, ``medium`` from the ``medium`` one, else ``low``."""
    s = floats(scores)
    return np.select([s >= high, s >= medium], ["high", "medium"], default="low")
