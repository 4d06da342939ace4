"""Column conversions shared by the judgements: any array-like (list, numpy, pandas with NA) to plain numpy."""

from __future__ import annotations

import numpy as np
import pandas as pd


def floats(values) -> np.ndarray:
    """Float array; None, NA and non-numbers become NaN."""
    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)


def texts(values) -> np.ndarray:
    """Object array of strings; None and NA become ''."""
    return np.asarray(pd.Series(values, dtype=object).fillna(""), dtype=object)


def flags(values) -> np.ndarray:
    """Boolean array; None and NA become False."""
    return np.asarray(pd.Series(values, dtype=object).fillna(False), dtype=bool)


def where(keep, codes) -> np.ndarray:
    """``codes`` (an object array) where ``keep`` is True, None elsewhere."""
    out = np.asarray(codes, dtype=object).copy()
    out[~np.asarray(keep, dtype=bool)] = None
    return out
