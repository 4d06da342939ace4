"""Polarity as a sign: +1 higher is better, −1 lower is better, 0 no judgement (DESIGN.md §4).

A proxy takes the polarity of what it actually measures; the framework's own polarity is kept beside it in
the register (``seed_polarity``) for display, never for judging.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SIGN = {"higher_is_better": 1, "lower_is_better": -1, "no_judgement": 0}


def good_sign(polarity) -> np.ndarray:
    """+1 / −1 / 0 for each polarity (an unknown polarity is an error)."""
    series = pd.Series(np.asarray(polarity, dtype=object), dtype=object)
    signs = series.map(SIGN)
    if signs.isna().any():
        bad = series[signs.isna()].iloc[0]
        raise ValueError(
            f"{f'unknown polarity {bad!r}' if isinstance(bad, str) else 'no polarity'}; expected one of {sorted(SIGN)}"
        )
    return signs.to_numpy(dtype=np.int8)
