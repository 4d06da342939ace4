"""The comparator groups' statistics, worked by hand on a few areas, and bit for bit against DuckDB's own."""

import duckdb
import numpy as np
import pandas as pd
import pytest

from scorecard import ENGLAND
from scorecard.evaluation import evaluate, group_stats
from scorecard.register import Context
from scorecard.store import storage

END = np.datetime64("2025-03-31")
AREAS = pd.DataFrame({"code": ["A", "B", "C", "D", "E", ENGLAND], "area_key": [0, 1, 2, 3, 4, 5]})


def _values(rows, rated=False):
    frame = pd.DataFrame(rows, columns=["measure_key", "area_key", "value", "cvalue"][: 4 if rated else 3])
    frame["period_end"] = pd.Series([END] * len(frame), dtype="datetime64[us]")
    return frame


def _members(rows):
    return pd.DataFrame(rows, columns=["area_key", "group_id", "member_key", "tier"])


def _facts(rows):
    """Scorecard rows: (area key, measure key or None, compared value, benchmark group, measure tier)."""
    frame = pd.DataFrame(rows, columns=["area_key", "measure_key", "compared_value", "benchmark_group", "tier"])
    frame["period_end"] = pd.Series(
        [END if m is not None else None for m in frame["measure_key"]], dtype="datetime64[us]"
    )
    frame["measure_key"] = frame["measure_key"].astype("Int64")
    return frame


GROUP = [(0, "nn", member, "both") for member in (1, 2, 3, 4)] + [
    (0, "cipfa_nn", 1, "both"),
    (0, "cipfa_nn", 2, "both"),
]
VALUES = [(7, 0, 10.0), (7, 1, 4.0), (7, 2, 1.0), (7, 3, 9.0), (7, 4, 2.0), (7, 5, 6.5)]


def test_median_of_an_even_group_is_the_mean_of_the_middle_two_and_counts_exclude_the_council():
    stats = group_stats.group_stats(
        _facts([(0, 7, 3.0, "nn", "lower")]), _values(VALUES), _members(GROUP), AREAS, False
    )
    # members 4, 1, 9, 2 → sorted 1, 2, 4, 9
    assert stats["benchmark_median"][0] == 3.0
    assert (stats["benchmark_min"][0], stats["benchmark_max"][0], stats["benchmark_mean"][0]) == (1.0, 9.0, 4.0)
    assert (stats["benchmark_members"][0], stats["benchmark_above"][0], stats["benchmark_below"][0]) == (4, 2, 2)
    assert stats["cipfa_median"][0] == 2.5  # members 4 and 1
    assert stats["england_value"][0] == 6.5
    assert stats["compared_median"][0] == 3.0


def test_odd_group_median_is_the_middle_value_and_a_member_without_a_figure_is_not_counted():
    values = [v for v in VALUES if v[1] != 3]  # member 3 has no figure
    stats = group_stats.group_stats(
        _facts([(0, 7, 3.0, "nn", "lower")]), _values(values), _members(GROUP), AREAS, False
    )
    assert (stats["benchmark_median"][0], stats["benchmark_members"][0]) == (2.0, 3)
    assert (stats["benchmark_above"][0], stats["benchmark_below"][0]) == (1, 2)


def test_where_the_chosen_group_is_cipfas_both_are_the_same_statistics():
    facts = _facts([(0, 7, 3.0, "cipfa_nn", "lower"), (0, 7, 3.0, "nn", "lower")])
    stats = group_stats.group_stats(facts, _values(VALUES), _members(GROUP), AREAS, False)
    assert stats["benchmark_median"].tolist() == [2.5, 3.0] and stats["cipfa_median"].tolist() == [2.5, 2.5]
    assert stats["benchmark_members"].tolist() == [2, 4]


def test_members_of_another_tier_are_left_out():
    group = [(0, "nn", 1, "upper"), (0, "nn", 2, "lower"), (0, "nn", 3, "both"), (0, "nn", 4, "upper")]
    stats = group_stats.group_stats(
        _facts([(0, 7, 3.0, "nn", "lower")]), _values(VALUES), _members(group), AREAS, False
    )
    assert (stats["benchmark_members"][0], stats["benchmark_median"][0]) == (2, 5.0)  # members 2 (1.0) and 3 (9.0)


def test_no_group_no_figure_or_no_member_figures_give_no_statistics():
    facts = _facts([(0, None, np.nan, "nn", "lower"), (0, 7, 3.0, "none", "lower"), (0, 8, 3.0, "nn", "lower")])
    stats = group_stats.group_stats(facts, _values(VALUES + [(8, 0, 3.0)]), _members(GROUP), AREAS, False)
    for name in group_stats.GROUP_STATS[:-2] + ("compared_median",):
        assert np.isnan(stats[name]).all(), name
    assert np.isnan(stats["cipfa_median"][[0, 2]]).all() and stats["cipfa_median"][1] == 2.5  # its CIPFA group
    assert np.isnan(stats["england_value"][[0, 2]]).all() and stats["england_value"][1] == 6.5


def test_a_count_compared_as_a_rate_counts_and_medians_the_members_with_a_rate():
    values = [(7, 0, 10.0, 5.0), (7, 1, 4.0, 2.0), (7, 2, 1.0, None), (7, 3, 9.0, 3.0), (7, 4, 2.0, None)]
    stats = group_stats.group_stats(
        _facts([(0, 7, 2.5, "nn", "lower")]), _values(values, True), _members(GROUP), AREAS, True
    )
    assert stats["benchmark_median"][0] == 3.0  # of the counts
    assert (stats["benchmark_members"][0], stats["compared_median"][0]) == (2, 2.5)  # rates 2.0 and 3.0
    assert (stats["benchmark_above"][0], stats["benchmark_below"][0]) == (1, 1)
    none = [(7, 0, 10.0, 5.0)] + [(7, k, 1.0, None) for k in (1, 2, 3, 4)]
    stats = group_stats.group_stats(
        _facts([(0, 7, 2.5, "nn", "lower")]), _values(none, True), _members(GROUP), AREAS, True
    )
    assert np.isnan(stats["benchmark_members"][0]) and np.isnan(stats["compared_median"][0])
    assert stats["benchmark_median"][0] == 1.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_median_and_mean_are_duckdbs_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    areas = pd.DataFrame({"code": [f"X{k}" for k in range(40)] + [ENGLAND], "area_key": range(41)})
    values = _values([(1, k, float(v)) for k, v in enumerate(rng.normal(size=41) * rng.choice([1e-3, 1, 1e6], 41))])
    members = _members(
        [
            (c, "g", int(m), "both")
            for c in range(20)
            for m in rng.choice(np.arange(20, 40), rng.integers(1, 17), replace=False)
        ]
    )
    facts = _facts([(c, 1, 0.0, "g", "lower") for c in range(20)])
    stats = group_stats.group_stats(facts, values, members, areas, False)
    duck = duckdb.sql(
        "SELECT g.area_key, median(v.value) AS m, avg(v.value ORDER BY v.value) AS a FROM members g "
        "JOIN values v ON v.area_key = g.member_key GROUP BY ALL ORDER BY g.area_key"
    ).df()
    assert stats["benchmark_median"].tolist() == duck["m"].tolist()
    assert stats["benchmark_mean"].tolist() == duck["a"].tolist()


def test_councils_at_different_period_ends_read_their_own_periods():
    later = np.datetime64("2025-06-30")
    values = _values(VALUES)
    extra = pd.DataFrame({"measure_key": [7, 7], "area_key": [2, 3], "value": [50.0, 70.0]})
    extra["period_end"] = pd.Series([later, later], dtype="datetime64[us]")
    facts = _facts([(0, 7, 3.0, "nn", "lower"), (1, 7, 3.0, "nn", "lower")])
    facts.loc[1, "period_end"] = later
    group = GROUP + [(1, "nn", 2, "both"), (1, "nn", 3, "both")]
    stats = group_stats.group_stats(facts, pd.concat([values, extra]), _members(group), AREAS, False)
    assert stats["benchmark_median"].tolist() == [3.0, 60.0]  # council 1's members at its own period only
    assert np.isnan(stats["england_value"][1])  # England has no figure for that period


def test_blocks_of_any_size_give_the_same_statistics(monkeypatch):
    facts = _facts([(0, 7, float(v), "nn", "lower") for v in range(7)])
    whole = group_stats.group_stats(facts, _values(VALUES), _members(GROUP), AREAS, False)
    monkeypatch.setattr(group_stats, "BLOCK", 8)  # two rows of four members a block
    parts = group_stats.group_stats(facts, _values(VALUES), _members(GROUP), AREAS, False)
    for name, column in whole.items():
        np.testing.assert_array_equal(parts[name], column)
    assert whole["benchmark_above"].tolist() == [4, 3, 2, 2, 1, 1, 1]


def test_a_measure_of_no_tier_counts_only_members_of_both_tiers_and_a_council_with_no_value_has_no_rank():
    group = [(0, "nn", 1, "both"), (0, "nn", 2, "lower"), (0, "nn", 3, "both")]
    stats = group_stats.group_stats(
        _facts([(0, 7, np.nan, "nn", None)]), _values(VALUES), _members(group), AREAS, False
    )
    assert (stats["benchmark_members"][0], stats["benchmark_median"][0]) == (2, 6.5)  # members 1 and 3
    assert (stats["benchmark_above"][0], stats["benchmark_below"][0]) == (0, 0)


def test_no_rows_give_empty_statistics():
    stats = group_stats.group_stats(_facts([]), _values(VALUES), _members(GROUP), AREAS, False)
    assert set(stats) == set(group_stats.GROUP_STATS) | {"compared_median"}
    assert all(len(column) == 0 for column in stats.values())


REFERENCE = """
WITH cur AS (SELECT measure_id, measure_key, area_key, period_end FROM observations WHERE recency = 1),
members AS (
    SELECT a.area_key, b.area_key AS member_key, g.tier FROM comparator_groups g
    JOIN areas a ON a.code = g.area_code JOIN areas b ON b.code = g.member_code WHERE g.group_id = $group
)
SELECT a.code AS area_code, c.measure_id, median(v.value) AS benchmark_median, min(v.value) AS benchmark_min,
       max(v.value) AS benchmark_max, avg(v.value ORDER BY v.value) AS benchmark_mean
FROM cur c JOIN measure_tiers t USING (measure_id) JOIN areas a ON a.area_key = c.area_key
JOIN members g ON g.area_key = c.area_key AND g.tier IN (t.tier, 'both')
JOIN period_values v ON v.measure_key = c.measure_key AND v.area_key = g.member_key AND v.period_end = c.period_end
GROUP BY ALL
"""
"""The group statistics as the facts query computed them before #22 moved them to numpy, for the latest quarter
(every series' latest stored period)."""


@pytest.mark.parametrize("group", ["same_type", "cipfa_nn"])
def test_every_councils_group_statistics_on_the_real_data_are_the_sql_ones(built_data, real_register, group):
    folder = built_data[0]
    con = duckdb.connect()
    for name in storage.TABLES:
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{storage.table_path(folder, name).as_posix()}')"
        )
    con.register(
        "measure_tiers",
        pd.DataFrame(
            {
                "measure_id": [m.id for m in real_register.measures],
                "tier": [m.source.tier for m in real_register.measures],
            }
        ),
    )
    expected = con.execute(REFERENCE, {"group": group}).df().set_index(["area_code", "measure_id"])
    card = evaluate.evaluate(Context.of(folder, real_register), None, group, areas=None)
    card = card[card["unit"] != "count"].set_index(["area_code", "measure_id"])  # a count's are not shown
    assert len(expected.index.intersection(card.index)) > 1_000  # not a vacuous comparison
    got = card[list(expected.columns)]
    pd.testing.assert_frame_equal(got, expected.reindex(got.index), check_exact=True)
