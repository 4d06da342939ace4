"""frames.records gives exactly what DataFrame.to_dict("records") gives: values and their types."""

import math

import numpy as np
import pandas as pd
import pyarrow as pa

from scorecard.store import frames


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a is b or a == b


def test_records_match_to_dict_for_every_kind_of_column():
    frame = pd.DataFrame(
        {
            "count": pd.array([1, None, 3], dtype="Int64"),
            "flag": pd.array([True, None, False], dtype="boolean"),
            "share": pd.array([0.5, None, 1.5], dtype="Float64"),
            "value": [1.5, np.nan, 2.0],
            "n": np.array([1, 2, 3], dtype="int8"),
            "ok": [True, False, True],
            "text": ["a", None, "c"],
            "label": pd.array(["x", None, "z"], dtype="string"),
            "when": pd.to_datetime(["2024-06-30", None, "2025-03-31"]),
            "arrow": pd.array(["p", None, "q"], dtype=pd.ArrowDtype(pa.string())),
            "reasons": [("red",), (), ("worsening", "red")],
        }
    )
    expected, got = frame.to_dict("records"), frames.records(frame)
    assert len(got) == len(expected) == 3
    for want, have in zip(expected, got):
        assert list(have) == list(want)
        mismatched = [k for k in want if not _same(want[k], have[k])]
        assert not mismatched, (mismatched, want, have)
    assert got[1]["count"] is None and got[1]["flag"] is None  # a missing nullable value is None, as to_dict
    assert math.isnan(got[1]["value"])  # a missing float stays NaN


def test_records_of_a_selection_and_of_nothing():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}, index=[10, 20, 30])
    assert frames.records(frame[frame["a"] > 1]) == [{"a": 2, "b": "y"}, {"a": 3, "b": "z"}]
    assert frames.records(frame.iloc[0:0]) == []
