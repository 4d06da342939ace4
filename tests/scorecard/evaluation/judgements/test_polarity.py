"""Polarity as a sign (DESIGN.md §4): hand-worked, no Parquet, no DuckDB."""

import numpy as np
import pandas as pd
import pytest

from scorecard.evaluation.judgements import polarity


def test_each_polarity_has_its_sign_in_order():
    signs = polarity.good_sign(["higher_is_better", "lower_is_better", "no_judgement", "lower_is_better"])
    assert signs.tolist() == [1, -1, 0, -1] and signs.dtype == np.int8


def test_a_pandas_series_and_an_empty_list_are_taken():
    assert polarity.good_sign(pd.Series(["lower_is_better"], index=[7])).tolist() == [-1]
    assert polarity.good_sign([]).tolist() == []


@pytest.mark.parametrize(
    "bad, words", [("High", "unknown polarity 'High'"), ("", "unknown polarity ''"), (None, "no polarity")]
)
def test_an_unknown_polarity_is_an_error_naming_it(bad, words):
    with pytest.raises(ValueError, match=words):
        polarity.good_sign(["higher_is_better", bad])
