"""The comparator group's statistics at each council's period, facts for the benchmark judgements
(:mod:`scorecard.evaluation.judgements.benchmark`): for the chosen group and for the CIPFA nearest neighbours, the
members' median, min, max and mean, how many members have a value, and how many are above / below the council's
compared value; with England's value.

A member counts for a measure where its tier is the measure's or ``both`` (a county is never compared with its own
districts, :mod:`scorecard.store.geography`); the council is not its own member. Each row's members are gathered
from a dense table of every area's value at each (measure, period end) the scorecard shows
(:data:`~scorecard.evaluation.facts_sql.VALUES_SQL`), so the statistics are whole-array numpy. They are the numbers
DuckDB's ``median`` and ordered ``avg`` give, bit for bit: the median of an even count is the mean of the middle
two, and the mean is the values summed smallest first, divided by their count (snapshots are hashed). Done in SQL
(≈ councils × measures × 15 joined rows at national size) this was half the facts query's time (#22).

What the same numbers rely on (:mod:`scorecard.store.storage`): ``period_values`` holds one row per (measure,
area, period end), only rows with a value, and a value is never a stored NaN — so "a member with a figure" is
"a member whose value is not NaN" here, as it was "a member with a joined row" in SQL.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scorecard import ENGLAND

CIPFA = "cipfa_nn"
ONE_GROUP = (
    "benchmark_median",
    "benchmark_min",
    "benchmark_max",
    "benchmark_mean",
    "benchmark_members",
    "benchmark_above",
    "benchmark_below",
)
"""A group's statistics (:func:`_of_group`, which also gives ``compared_median``)."""
GROUP_STATS = (*ONE_GROUP, "cipfa_median", "england_value")
"""The statistics of :func:`group_stats`, in the order the facts hold them, besides ``compared_median`` (the group's
median of the compared value, which follows ``compared_value``)."""
BLOCK = 2_000_000
"""Values gathered at once (rows × members): 16 MB, so a group of every council (316 members) stays small."""


def _pair_keys(measure_key, period_end) -> np.ndarray:
    """(measure key, period end) as one integer: the key above the period end's day number."""
    days = np.asarray(period_end, dtype="datetime64[D]").astype(np.int64)
    return (np.asarray(measure_key, dtype=np.int64) << 32) | (days & 0xFFFFFFFF)


class _Table:
    """Every area's value (and compared value) at each (measure, period end) read, as rows × area keys; the last
    row and column are empty, for a row with no period and for a missing member."""

    def __init__(self, values: pd.DataFrame, last_key: int):
        codes, pairs = pd.factorize(_pair_keys(values["measure_key"].to_numpy(), values["period_end"].to_numpy()))
        self.pairs = pd.Index(pairs)
        at = (codes, values["area_key"].to_numpy(dtype=np.int64))
        self.value = np.full((len(self.pairs) + 1, last_key + 2), np.nan)
        self.value[at] = values["value"].to_numpy(dtype=float, na_value=np.nan)
        self.compared = self.value
        if "cvalue" in values:
            self.compared = np.full_like(self.value, np.nan)
            self.compared[at] = values["cvalue"].to_numpy(dtype=float, na_value=np.nan)

    def rows(self, measure_key, period_end) -> np.ndarray:
        """Each scorecard row's table row (the empty one where it has no period or no value was read)."""
        known = pd.notna(period_end) & pd.notna(measure_key)
        found = np.full(len(known), -1)
        keys = _pair_keys(np.where(known, measure_key, 0), np.where(known, period_end, np.datetime64(0, "D")))
        found[known] = self.pairs.get_indexer(keys[known])
        return found


def _members(area_key: np.ndarray, group, tier, members: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct council × group × measure tier's member area keys (a row each, padded with -1: the table's
    empty column) and each scorecard row's index into them. ``group`` is a column, or one group for every row."""
    group_code, groups = (
        (np.zeros(len(area_key), dtype=np.int64), [group]) if isinstance(group, str) else pd.factorize(group)
    )
    tier_code, tiers = pd.factorize(tier)
    width_group, width_tier = len(groups) + 1, len(tiers) + 1  # code -1 (none) counts as 0
    keys = (area_key.astype(np.int64) * width_group + group_code + 1) * width_tier + tier_code + 1
    combo_keys, index = np.unique(keys, return_inverse=True)
    combos = pd.DataFrame(
        {
            "combo": np.arange(len(combo_keys)),
            "area_key": combo_keys // width_tier // width_group,
            "group_id": np.array([*groups, None], dtype=object)[combo_keys // width_tier % width_group - 1],
            "measure_tier": np.array([*tiers, None], dtype=object)[combo_keys % width_tier - 1],
        }
    )
    found = combos.merge(members, on=["area_key", "group_id"])
    found = found[(found["tier"] == "both") | (found["tier"] == found["measure_tier"])]
    place = found.groupby("combo").cumcount().to_numpy()
    matrix = np.full((len(combos), max(int(place.max()) + 1 if len(place) else 0, 1)), -1, dtype=np.int64)
    matrix[found["combo"].to_numpy(), place] = found["member_key"].to_numpy()
    return matrix, index.reshape(-1)


def _median(ordered: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The median of each row's first ``count`` values (sorted, missing last): the mean of the middle two for an
    even count; NaN for none."""
    at = np.arange(len(ordered))
    low, high = ordered[at, np.maximum(count - 1, 0) // 2], ordered[at, count // 2]
    return np.where(count > 0, (low + high) / 2, np.nan)


def _block(table: _Table, rows: np.ndarray, members: np.ndarray, compared: np.ndarray, rated: bool) -> dict:
    """The statistics of one block of scorecard rows, given their table rows and member keys."""
    values = np.sort(table.value[rows[:, None], members], axis=1)  # missing (NaN) sort last
    count = (~np.isnan(values)).sum(axis=1)
    some = count > 0  # else the group has no member with a figure: no statistics at all
    total = np.zeros(len(values))
    for k in range(values.shape[1]):  # summed smallest first, as DuckDB's ``avg(… ORDER BY value)``
        total = np.where(k < count, total + values[:, k], total)
    others = table.compared[rows[:, None], members]
    median = _median(values, count)
    out = {
        "benchmark_median": median,
        "benchmark_min": np.where(some, values[:, 0], np.nan),
        "benchmark_max": values[np.arange(len(values)), np.maximum(count - 1, 0)],
        "benchmark_mean": np.where(some, total / np.maximum(count, 1), np.nan),
        "benchmark_above": np.where(some, (others > compared[:, None]).sum(axis=1), np.nan),
        "benchmark_below": np.where(some, (others < compared[:, None]).sum(axis=1), np.nan),
    }
    if rated:  # members with a rate (a denominator above 0); none gives no count and no median
        compared_count = (~np.isnan(others)).sum(axis=1)
        out["benchmark_members"] = np.where(some & (compared_count > 0), compared_count, np.nan)
        out["compared_median"] = np.where(some, _median(np.sort(others, axis=1), compared_count), np.nan)
    else:
        out["benchmark_members"] = np.where(some, count, np.nan)
        out["compared_median"] = median
    return out


def _of_group(table: _Table, rows, matrix, index, compared, rated: bool) -> dict[str, np.ndarray]:
    """:func:`_block` over every row (``matrix[index]`` its members), in blocks of rows with the same member
    count, so that a large group pads no small one."""
    out = {name: np.full(len(rows), np.nan) for name in (*ONE_GROUP, "compared_median")}
    width = (matrix >= 0).sum(axis=1)[index]
    for size in np.unique(width):
        chosen = np.flatnonzero(width == size)
        step = max(BLOCK // max(int(size), 1), 1)
        for start in range(0, len(chosen), step):
            part = chosen[start : start + step]
            members = matrix[index[part], : max(int(size), 1)]
            for name, column in _block(table, rows[part], members, compared[part], rated).items():
                out[name][part] = column
    return out


def group_stats(
    facts: pd.DataFrame, values: pd.DataFrame, members: pd.DataFrame, areas: pd.DataFrame, rated: bool
) -> dict[str, np.ndarray]:
    """:data:`GROUP_STATS` and ``compared_median`` for each row of the facts (``measure_key``, ``area_key``,
    ``period_end``, ``compared_value``, ``benchmark_group``, ``tier``): ``values`` from
    :data:`~scorecard.evaluation.facts_sql.VALUES_SQL`, ``members`` from
    :data:`~scorecard.evaluation.facts_sql.MEMBERS_SQL`, ``areas`` every area's ``code`` and ``area_key``. Counts
    are floats (NaN: no member with a figure). A row with no stored period of its own gets none; one whose value is
    missing still gets the group's (its rank counts: none above or below)."""
    table = _Table(values, int(max(areas["area_key"].max(), values["area_key"].max() if len(values) else 0)))
    rows = table.rows(facts["measure_key"].to_numpy(dtype=float, na_value=np.nan), facts["period_end"].to_numpy())
    compared = facts["compared_value"].to_numpy(dtype=float, na_value=np.nan)
    area_key, group = facts["area_key"].to_numpy(), facts["benchmark_group"]
    stats = _of_group(table, rows, *_members(area_key, group, facts["tier"], members), compared, rated)
    stats["cipfa_median"] = stats["benchmark_median"].copy()  # the same where the chosen group is CIPFA's
    other = np.flatnonzero((group != CIPFA).to_numpy(dtype=bool, na_value=True))
    if len(other):
        chosen = _members(area_key[other], CIPFA, facts["tier"].iloc[other], members)
        cipfa = _of_group(table, rows[other], *chosen, compared[other], rated)
        stats["cipfa_median"][other] = cipfa["benchmark_median"]
    england = areas.loc[areas["code"] == ENGLAND, "area_key"]
    stats["england_value"] = table.value[rows, int(england.iloc[0]) if len(england) else -1]
    return stats
