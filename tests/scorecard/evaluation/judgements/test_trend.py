"""Recent trend (Fingertips): where it applies, the statistic, the leave-one-out rule, the codes."""

import math

import numpy as np
import pytest

from scorecard.evaluation import stats
from scorecard.evaluation.judgements import trend


def _test(counts=None, dens=None, values=None, lower=None, upper=None):
    nan5 = [math.nan] * 5
    return trend.test([counts or nan5], [dens or nan5], [values or nan5], [lower or nan5], [upper or nan5])


def test_applies_only_to_annual_series_of_five_consecutive_points():
    got = trend.reasons(
        [
            "financial_year",
            "quarter",
            "month",
            "multi_year",
            "academic_year",
            "snapshot",
            "calendar_year",
            "academic_year",
        ],
        ["percent", "percent", "percent", "percent", "count", "percent", "percent", "percent"],
        [5, 5, 5, 5, 5, 5, 4, 5],
        [4, 4, 4, 4, 4, 4, 4, 5],
        [False, False, False, False, False, True, False, False],
    )
    assert got.tolist() == [
        None,
        "sub_annual",
        "sub_annual",
        "pooled",
        "count",
        "series_break",
        "too_few_points",
        "too_few_points",
    ]


def test_chi_squared_for_proportions_matches_the_scalar_reference():
    counts, dens = [400, 440, 480, 530, 580], [1000] * 5
    chi2, slope, method, significant = _test(counts, dens)
    reference, sign = stats.chi2_trend_proportions(counts, dens)
    assert math.isclose(chi2[0], reference, rel_tol=1e-12) and reference > trend.CHI2_CRITICAL
    assert method.tolist() == ["proportions"] and significant.tolist() == [True] and np.sign(slope[0]) == sign


def test_one_point_cannot_make_a_trend():
    chi2, slope, _, significant = _test([500, 500, 500, 500, 900], [1000] * 5)
    assert chi2[0] > trend.CHI2_CRITICAL and not significant[0]


def test_weighted_regression_when_there_are_no_counts():
    values = [10, 12, 14, 16, 18]
    chi2, slope, method, significant = _test(
        values=values, lower=[v - 0.5 for v in values], upper=[v + 0.5 for v in values]
    )
    assert method.tolist() == ["weighted_regression"] and slope[0] > 0 and significant[0]


def test_neither_counts_nor_intervals():
    chi2, _, method, significant = _test(values=[1, 2, 3, 4, 5])
    assert math.isnan(chi2[0]) and method.tolist() == [None] and not significant[0]
    assert trend.reason_with_method([None], method).tolist() == ["no_counts_or_intervals"]


@pytest.mark.parametrize(
    "chi2, slope, left_out, expected",
    [
        (10.0, 2.0, [1, 2, 3], True),
        (10.0, -2.0, [-1, -2, -3], True),
        (9.5, 2.0, [1, 2, 3], False),  # not above 9.5495
        (10.0, 2.0, [1, 0, 3], False),  # a zero leave-one-out slope
        (10.0, 2.0, [1, -1, 3], False),  # a leave-one-out slope of the other sign
        (10.0, 0.0, [1, 2, 3], False),  # a zero slope
        (math.nan, 1.0, [1, 2], False),
        (10.0, 1.0, [1, math.nan], False),
    ],
)
def test_significance_rule(chi2, slope, left_out, expected):
    assert trend.significant([chi2], [slope], [left_out]).tolist() == [expected]


def test_codes_by_polarity_and_reason():
    got = trend.code(
        [None, None, None, None, "sub_annual", "too_few_points", None, None],
        ["proportions"] * 8,
        [20.0, 20.0, 20.0, 20.0, 20.0, 20.0, math.nan, 20.0],
        [1.0, 1.0, -1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        [True, True, True, True, True, True, True, False],
        np.array([1, -1, -1, 0, 1, 1, 1, 1]),
    )
    assert got.tolist() == [
        "increasing_getting_better",
        "increasing_getting_worse",
        "decreasing_getting_better",
        "increasing",
        "not_applied",
        "cannot_be_calculated",
        "cannot_be_calculated",
        "no_significant_change",
    ]


def test_clustered_units_are_not_tested_for_a_trend():
    """Both tests assume independent units; school places share their school's grade (#27)."""
    got = trend.reasons(["financial_year"] * 2, ["percent"] * 2, [5, 5], [4, 4], [False, False], ["", "by school"])
    assert got.tolist() == [None, "clustered"]
