"""Direction of travel: neutral band, polarity, no-judgement measures, breaks, year on year."""

import numpy as np
import pytest

from scorecard.evaluation.judgements import direction


@pytest.mark.parametrize(
    "good, previous, value, code",
    [
        (1, 100.0, 101.0, "no_change"),  # exactly the 1% band
        (1, 100.0, 101.01, "improving"),
        (1, 100.0, 98.9, "worsening"),
        (-1, 100.0, 101.5, "worsening"),
        (-1, 100.0, 98.0, "improving"),
        (0, 100.0, 98.0, "decreasing"),
        (0, 100.0, 102.0, "increasing"),
        (0, 100.0, 100.5, "no_change"),
        (1, None, 5.0, "not_comparable"),
        (1, 5.0, None, "not_comparable"),
    ],
)
def test_against_the_previous_period(good, previous, value, code):
    assert direction.compare([value], [previous], np.array([good]), [None])[0] == code


def test_band_from_the_register_is_in_the_measure_unit():
    assert direction.compare([104.0], [100.0], np.array([1]), [5.0])[0] == "no_change"
    assert direction.compare([106.0], [100.0], np.array([1]), [5.0])[0] == "improving"
    # default band of a zero reference is zero: any change counts
    assert direction.compare([0.1], [0.0], np.array([1]), [None])[0] == "improving"


def test_not_comparable_across_a_break():
    got = direction.compare([110.0, 110.0], [100.0, 100.0], np.array([1, 1]), [None, None], [True, False])
    assert got.tolist() == ["improving", "not_comparable"]


def test_year_on_year_only_for_sub_annual_data():
    got = direction.year_on_year(
        [110.0, 110.0, 110.0, 110.0],
        [100.0, 100.0, 100.0, None],
        np.array([1, -1, 1, 1]),
        [None] * 4,
        ["quarter", "month", "financial_year", "quarter"],
    )
    assert got.tolist() == ["improving", "worsening", None, None]
