"""Rank, quartile and significance against the group: ties, polarity, small groups, counts."""

import numpy as np
import pandas as pd

from scorecard.evaluation.judgements import benchmark


def test_rank_counts_strictly_better_members_so_ties_share_the_better_rank():
    # members 10, 20, 30, 40, 40, 60, 70; the council has 40
    got = benchmark.rank([40.0, 40.0, 40.0], [2, 2, 2], [3, 3, 3], [7, 7, 7], np.array([1, -1, 0]), ["percent"] * 3)
    assert got.tolist() == [3, 4, 3]


def test_no_rank_for_counts_missing_values_or_no_group():
    got = benchmark.rank(
        [5.0, None, 5.0], [1, 1, None], [1, 1, None], [3, 3, None], np.array([1, 1, 1]), ["count", "percent", "percent"]
    )
    assert got.isna().all()


def test_group_size_counts_the_council():
    assert benchmark.group_size([1.0, None], [15, 15]).tolist() == [16, pd.NA]


def test_quartile_edges():
    got = benchmark.quartile(
        [1, 2, 3, 8, 3, 2, 2], [8, 8, 8, 8, 3, 8, 8], np.array([1, 1, 1, 1, 1, 0, 1]), ["percent"] * 6 + ["count"]
    )
    # rank 1..2 of 8 is the best quartile, 3 the second, 8 the worst; a group of 3 has none; no polarity or a
    # count has none
    assert got.tolist() == [1, 1, 2, 4, pd.NA, pd.NA, pd.NA]


def test_significance_against_the_benchmark():
    got = benchmark.significance(
        [48.0, 40.0, 40.0, 60.0, 40.0, 40.0],
        [45.0, 38.0, 38.0, 58.0, None, 38.0],
        [51.0, 42.0, 42.0, 62.0, None, 42.0],
        [50.0] * 6,
        np.array([1, 1, -1, 0, 1, 1]),
        ["percent"] * 5 + ["count"],
    )
    assert got.tolist() == ["similar", "worse", "better", "higher", "not_compared", "not_compared"]


def test_rank_within_matches_the_engine_rule():
    values = [10.0, 40.0, 40.0, 70.0, None]
    assert benchmark.rank_within(values, 1).tolist() == [4, 2, 2, 1, pd.NA]
    assert benchmark.rank_within(values, -1).tolist() == [1, 2, 2, 4, pd.NA]
    assert benchmark.rank_within(values, -1, "count").tolist() == [pd.NA] * 5  # counts are not ranked


def test_clustered_units_and_raw_counts_are_not_tested():
    """#27: school places share their school's grade; a council's count is not set against others' counts."""
    unit = ["percent", "percent", "count"]
    clustered = ["", "every place in a school shares the school's Ofsted grade", ""]
    assert benchmark.not_tested(unit, clustered).tolist() == [None, "clustered", "count"]
    got = benchmark.significance([89.4] * 3, [89.1] * 3, [89.7] * 3, [95.0] * 3, np.array([1, 1, 1]), unit, clustered)
    assert got.tolist() == ["worse", "not_compared", "not_compared"]  # the same interval tested only once


def test_no_group_summary_of_raw_counts():
    assert benchmark.summarised(["count", "percent", "rate_per_100k"]).tolist() == [False, True, True]
