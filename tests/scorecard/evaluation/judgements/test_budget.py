"""Revenue budget monitoring (seed 001 ~2349): variance and budget position, hand-worked at the £0.001m edges."""

import numpy as np
import pytest

from scorecard.evaluation.judgements import budget


def test_variance_is_forecast_outturn_less_budget():
    got = budget.variance([121.738, 4.009, 10.0], [123.738, 4.009, 9.5])
    assert np.allclose(got, [2.0, 0.0, -0.5])


@pytest.mark.parametrize(
    "variance, code",
    [
        (2.0, "overspend"),
        (0.001, "overspend"),  # one reported digit over
        (0.0005, "on_budget"),  # half a digit is rounding, not a variance
        (0.0, "on_budget"),
        (-0.0005, "on_budget"),
        (-0.001, "underspend"),
        (-3.2, "underspend"),
        (np.nan, "no_forecast"),
    ],
)
def test_position_by_the_sign_of_the_variance_beyond_rounding(variance, code):
    assert budget.position([variance])[0] == code


def test_a_given_variance_is_consistent_within_three_roundings():
    # 4.0004 − 4.0000 rounds to 0.000; a variance given as 0.001 is still consistent (three roundings of 0.0005)
    assert budget.consistent([0.001, 0.0015, 0.002], [4.0, 4.0, 4.0], [4.0004, 4.0004, 4.0004]).tolist() == [
        True,
        True,
        False,
    ]
    assert budget.consistent([np.nan], [1.0], [1.0]).tolist() == [False]  # nothing to agree with
    assert list(budget.CODES) == ["overspend", "on_budget", "underspend", "no_forecast"]
