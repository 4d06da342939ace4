"""Rows of a data frame as plain dictionaries, fast.

``DataFrame.to_dict("records")`` builds its rows through ``itertuples``, which takes one Series per column: for
the scorecard's card (86 rows, about 80 columns) that is ~9 ms for five rows, and the pages take rows many
times per view. :func:`records` converts the frame's blocks once (``to_numpy(dtype=object)``) and zips the
rows — about ten times faster — with the same values: Python scalars, ``Timestamp`` for dates, ``NaN`` for a
missing float and ``None`` for a missing value of a column whose missing value is ``pd.NA`` (nullable
integers, booleans, strings), as ``to_dict`` gives.
"""

from __future__ import annotations

import pandas as pd
from pandas.api.extensions import no_default


def records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")``, without a Series per column."""
    if frame.empty:
        return []
    columns = list(frame.columns)
    values = frame.to_numpy(dtype=object, na_value=no_default)
    for i, dtype in enumerate(frame.dtypes):
        if getattr(dtype, "na_value", None) is pd.NA:
            column = values[:, i]
            column[pd.isna(column)] = None
    return [dict(zip(columns, row)) for row in values]
