"""Column conversions shared by the judgements: any array-like (list, numpy, pandas with NA) to plain numpy.

An array already in the wanted form is returned as it is (never written to by a judgement), so a caller that
converts its columns once (:func:`scorecard.evaluation.evaluate.judge`) pays for each conversion once. A text
array :func:`texts` has returned is known to hold no missing value and is not scanned again when a later
judgement reads it (a scan of 65,000 rows is 3 ms, and the judgements read their text columns about forty times a
chunk).
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

_TEXTS: weakref.WeakValueDictionary[int, np.ndarray] = weakref.WeakValueDictionary()
"""The arrays :func:`texts` has returned, by ``id``, while they live."""


def _text(out: np.ndarray) -> np.ndarray:
    _TEXTS[id(out)] = out
    return out


def floats(values) -> np.ndarray:
    """Float array; None, NA and non-numbers become NaN."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuf":
        return values.astype(float, copy=False)
    if isinstance(values, (pd.Series, pd.api.extensions.ExtensionArray)) and values.dtype.kind in "iuf":
        return values.to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)


def texts(values) -> np.ndarray:
    """Object array of strings; None and NA become ''. What it returns, and an object array it was given that held
    no missing value, must not be written to afterwards: a later call returns it unscanned."""
    if isinstance(values, np.ndarray) and values.dtype == object:
        if _TEXTS.get(id(values)) is values:
            return values
        missing = pd.isna(values)
        if not missing.any():
            return _text(values)
        out = values.copy()
        out[missing] = ""
        return _text(out)
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        return _text(values.to_numpy(dtype=object, na_value=""))
    return _text(np.asarray(pd.Series(values, dtype=object).fillna(""), dtype=object))


def flags(values) -> np.ndarray:
    """Boolean array; None and NA become False."""
    if isinstance(values, np.ndarray) and values.dtype == bool:
        return values
    if isinstance(values, pd.Series) and values.dtype in (bool, pd.BooleanDtype()):
        return values.to_numpy(dtype=bool, na_value=False)
    return np.asarray(pd.Series(values, dtype=object).fillna(False), dtype=bool)


def where(keep, codes) -> np.ndarray:
    """``codes`` (an object array) where ``keep`` is True, None elsewhere."""
    out = np.asarray(codes, dtype=object).copy()
    out[~np.asarray(keep, dtype=bool)] = None
    return out
