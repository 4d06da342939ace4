"""Column conversions: missing values become '' / NaN / False, and a converted array is not converted again."""

import numpy as np
import pandas as pd

from scorecard.evaluation.judgements.arrays import flags, floats, texts, where


def test_texts_blank_every_kind_of_missing_and_leave_the_input_alone():
    given = np.array(["red", None, np.nan, pd.NA, "green"], dtype=object)
    out = texts(given)
    assert out.tolist() == ["red", "", "", "", "green"]
    assert given[1] is None  # the caller's array is not written to
    assert texts(pd.Series(["a", None], dtype="str")).tolist() == ["a", ""]
    assert texts(["a", None]).tolist() == ["a", ""]


def test_a_text_array_once_returned_is_returned_as_it_is():
    out = texts(np.array(["red", None], dtype=object))
    assert texts(out) is out
    clean = np.array(["red", "amber"], dtype=object)
    assert texts(clean) is clean and texts(texts(clean)) is clean


def test_a_new_array_is_scanned_even_where_an_earlier_one_lived():
    for _ in range(200):  # ids are reused once an array is freed: a freed array's entry must not vouch for another
        texts(np.array(["x", "y"], dtype=object))
        assert texts(np.array(["x", None], dtype=object)).tolist() == ["x", ""]


def test_floats_flags_and_where():
    assert np.isnan(floats(["1.5", None, "n/a"])[1:]).all() and floats(["1.5"])[0] == 1.5
    assert flags([True, None, pd.NA]).tolist() == [True, False, False]
    assert where([True, False], np.array(["a", "b"], dtype=object)).tolist() == ["a", None]
