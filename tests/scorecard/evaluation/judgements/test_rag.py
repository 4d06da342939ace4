"""RAG against target: hand-worked edges, both polarities, missing values — no Parquet, no DuckDB."""

import numpy as np
import pandas as pd
import pytest

from scorecard.evaluation.judgements import rag


def _rate(value, target=50.0, tolerance=2.0, good=1, info_type="performance_indicator", status="ok", stale=False):
    return rag.rate([value], [target], [tolerance], np.array([good]), [info_type], [status], [stale])[0]


@pytest.mark.parametrize(
    "good, value, code",
    [
        (1, 50.0, "green"),  # exactly on target: met
        (1, 48.0, "amber"),  # missed by exactly the tolerance
        (1, 47.99, "red"),
        (1, 80.0, "green"),
        (-1, 50.0, "green"),
        (-1, 52.0, "amber"),
        (-1, 52.01, "red"),
        (-1, 10.0, "green"),
    ],
)
def test_tolerance_edges_both_polarities(good, value, code):
    assert _rate(value, good=good) == code


def test_statuses_before_rating_in_order():
    assert _rate(None, status="suppressed") == "suppressed"
    assert _rate(float("nan")) == "missing"
    assert _rate(pd.NA) == "missing"
    assert _rate(40.0, stale=True) == "stale"  # stale wins over red
    assert _rate(40.0, info_type="contextual") == "not_rated"
    assert _rate(40.0, target=None) == "no_target"


def test_zero_tolerance_means_any_miss_is_red():
    assert _rate(49.9, tolerance=0.0) == "red"
    assert _rate(49.9, tolerance=None) == "red"


def test_target_in_force_by_basis():
    got = rag.target_in_force(
        ["fixed", "cipfa_median", "england", "previous_year", None, "fixed"],
        [50.0, 1.0, 1.0, 1.0, 1.0, None],
        [2.0, 40.0, 2.0, 2.0, 2.0, 2.0],
        [3.0, 3.0, 30.0, 3.0, 3.0, 3.0],
        [4.0, 4.0, 4.0, 20.0, 4.0, 4.0],
    )
    np.testing.assert_array_equal(got, [50.0, 40.0, 30.0, 20.0, np.nan, np.nan])


def test_stale_counts_months_back_from_the_report_end():
    report = pd.Timestamp("2026-03-31")
    ends = ["2024-03-31", "2024-03-30", "2025-02-28", None]
    got = rag.is_stale(ends, report, [24, 24, 1, 24])
    # 24 months before 31 Mar 2026 is 31 Mar 2024: on it is not stale, the day before is;
    # one month before is 28 Feb 2026 (day clamped): 28 Feb 2025 is long before
    assert got.tolist() == [False, True, True, False]


def test_margin_is_oriented_by_polarity():
    np.testing.assert_array_equal(
        rag.margin([55.0, 55.0, None], [50.0, 50.0, 50.0], np.array([1, -1, 1])), [5.0, -5.0, np.nan]
    )
