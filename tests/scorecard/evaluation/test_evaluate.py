"""Hand-worked cases for every judgement, run through the real set-based SQL on tiny tables."""

from __future__ import annotations

import math
import threading

import pandas as pd
import pytest

from scorecard import register
from scorecard.evaluation import evaluate, stats
from scorecard.evaluation.judgements import trend
from scorecard.ingest import build
from scorecard.register import Context, Register
from scorecard.store import db, periods, storage

AREA, ENG = "E08000014", "E92000001"


def _measure(mid, polarity="higher_is_better", info_type="performance_indicator", target=None, **extra):
    return {
        "id": mid,
        "title": mid,
        "scorecard_text": mid,
        "themes": ["th"],
        "info_type": info_type,
        "polarity": polarity,
        "unit": "percent",
        "frequency": "academic_year",
        "definition": "d",
        "what_good_looks_like": "w",
        "source": {"match": "none", "returns": "illustrative"},
        "theme_responsibility": "x",
        "metric_responsibility": "y",
        "target": target,
        **extra,
    }


POLICY = register.load().exception_policy.model_dump()


def _register(*measures):
    return Register.model_validate(
        {
            "version": 1,
            "exception_policy": POLICY,
            "themes": [{"id": "th", "title": "T", "corporate_plan_title": "T", "responsibility": "r"}],
            "datasets": [
                {
                    "id": "ds",
                    "title": "d",
                    "publisher": "p",
                    "licence": "l",
                    "folder": "f",
                    "repository": "r",
                    "release": {"frequency": "irregular", "basis": "test data set"},
                }
            ],
            "measures": list(measures),
        }
    )


def _obs(mid, area, year, value, numerator=None, denominator=None, lower=None, upper=None, status="ok"):
    p = periods.academic_year(year)
    return {
        "measure_id": mid,
        "area_code": area,
        "period_kind": p.kind,
        "period_label": p.label,
        "period_start": pd.Timestamp(p.start),
        "period_end": pd.Timestamp(p.end),
        "period_seq": p.seq,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "lower_ci": lower,
        "upper_ci": upper,
        "status": status,
        "source_id": "d",
        "batch_id": "b1",
    }


def _run(tmp_path, reg, observations, members=(), report="2026/27 Q2", group=None, batches=None, history=None):
    codes = sorted({o["area_code"] for o in observations} | {AREA, ENG} | set(members))
    areas = pd.DataFrame({"code": codes, "name": codes, "type": "met"})
    groups = pd.DataFrame(
        {
            "group_id": "cipfa_nn",
            "tier": "both",
            "area_code": AREA,
            "member_code": list(members),
            "rank": pd.array([None] * len(members), dtype="Int64"),
        }
    )
    tables = {
        "areas": areas,
        "comparator_groups": groups,
        "observations": pd.DataFrame(observations),
        "targets": build.targets_table(reg),
        "batches": pd.DataFrame({"batch_id": ["b1"], "source_id": ["d"]}) if batches is None else batches,
    }
    if history is not None:
        tables[storage.HISTORY] = history
    storage.write_tables(tmp_path, tables)
    db.reset()
    frame = evaluate.evaluate(Context.of(tmp_path, reg), report, group, areas=[AREA])
    return frame.set_index("measure_id")


FIXED = {
    "basis": "fixed",
    "value": 50.0,
    "tolerance": 2.0,
    "financial_year": "2026/27",
    "rationale": "r",
    "set_by": "s",
}


@pytest.mark.parametrize(
    "polarity, value, rag",
    [
        ("higher_is_better", 50.0, "green"),  # exactly on target: met
        ("higher_is_better", 48.0, "amber"),  # missed by exactly the tolerance: amber
        ("higher_is_better", 47.9, "red"),  # beyond tolerance
        ("lower_is_better", 50.0, "green"),
        ("lower_is_better", 49.0, "green"),
        ("lower_is_better", 52.0, "amber"),
        ("lower_is_better", 52.1, "red"),
    ],
)
def test_rag_against_a_fixed_target_with_tolerance_edges(tmp_path, polarity, value, rag):
    reg = _register(_measure("mm", polarity, target=FIXED))
    result = _run(tmp_path, reg, [_obs("mm", AREA, 2025, value)])
    assert result.loc["mm", "rag"] == rag


def test_fixed_target_applies_only_to_its_financial_year(tmp_path):
    reg = _register(_measure("mm", target=FIXED))  # fixed for 2026/27 (Apr 2026 - Mar 2027)
    # AY 2026/27 ends Aug 2027, outside the target year: no target in force, whatever the value
    result = _run(tmp_path, reg, [_obs("mm", AREA, 2026, 60.0)], report="2027/28 Q2")
    assert result.loc["mm", "rag"] == "no_target" and pd.isna(result.loc["mm", "target"])
    # AY 2025/26 ends Aug 2026, inside it: rated against 50
    result = _run(tmp_path, reg, [_obs("mm", AREA, 2025, 60.0)], report="2026/27 Q2")
    assert result.loc["mm", "rag"] == "green" and result.loc["mm", "target"] == 50.0


def test_contextual_missing_stale_and_no_target_are_separate_statuses(tmp_path):
    reg = _register(
        _measure("ctx", info_type="contextual"),
        _measure("none_yet", target=FIXED),
        _measure("old", target=FIXED, stale_after_months=12),
        _measure("untargeted"),
    )
    result = _run(
        tmp_path,
        reg,
        [_obs("ctx", AREA, 2025, 10.0), _obs("old", AREA, 2022, 10.0), _obs("untargeted", AREA, 2025, 10.0)],
    )
    assert result.loc["ctx", "rag"] == "not_rated"
    assert result.loc["none_yet", "rag"] == "missing"
    assert result.loc["old", "rag"] == "stale"
    assert result.loc["untargeted", "rag"] == "no_target"
    assert "missing" in result.loc["none_yet", "exception_reasons"]
    assert "stale" in result.loc["old", "exception_reasons"]


@pytest.mark.parametrize(
    "polarity, previous, value, direction",
    [
        ("higher_is_better", 100.0, 101.0, "no_change"),  # inside the 1% neutral band
        ("higher_is_better", 100.0, 101.5, "improving"),
        ("lower_is_better", 100.0, 101.5, "worsening"),
        ("lower_is_better", 100.0, 98.0, "improving"),
        ("no_judgement", 100.0, 98.0, "decreasing"),
        ("no_judgement", 100.0, 102.0, "increasing"),
    ],
)
def test_direction_of_travel(tmp_path, polarity, previous, value, direction):
    reg = _register(_measure("mm", polarity, info_type="contextual"))
    result = _run(tmp_path, reg, [_obs("mm", AREA, 2024, previous), _obs("mm", AREA, 2025, value)])
    assert result.loc["mm", "direction"] == direction


def test_an_earlier_report_ignores_later_periods_and_compares_across_a_gap(tmp_path):
    reg = _register(_measure("mm", info_type="contextual"))
    rows = [_obs("mm", AREA, year, value) for year, value in ((2019, 10.0), (2020, 20.0), (2022, 40.0), (2023, 99.0))]
    result = _run(tmp_path, reg, rows, report="2023/24 Q2")  # AY 2023/24 ends after the quarter: not yet reported
    assert result.loc["mm", "value"] == 40.0 and result.loc["mm", "period_label"] == "AY 2022/23"
    assert result.loc["mm", "previous_value"] == 20.0 and result.loc["mm", "previous_period"] == "AY 2020/21"
    assert result.loc["mm", "direction"] == "improving"


def test_neutral_band_from_the_register(tmp_path):
    reg = _register(_measure("mm", info_type="contextual", neutral_band=5.0))
    result = _run(tmp_path, reg, [_obs("mm", AREA, 2024, 100.0), _obs("mm", AREA, 2025, 104.0)])
    assert result.loc["mm", "direction"] == "no_change"


def _series(mid, counts, denominators, first=2021):
    return [_obs(mid, AREA, first + i, 100 * r / n, r, n) for i, (r, n) in enumerate(zip(counts, denominators))]


def test_chi_squared_trend_in_proportions_matches_the_reference(tmp_path):
    counts, dens = [400, 440, 480, 530, 580], [1000] * 5
    reg = _register(_measure("mm"), _measure("low", "lower_is_better"))
    rows = _series("mm", counts, dens) + _series("low", counts, dens)
    result = _run(tmp_path, reg, rows)
    chi2, sign = stats.chi2_trend_proportions(counts, dens)
    assert chi2 > trend.CHI2_CRITICAL and sign > 0
    assert math.isclose(result.loc["mm", "trend_chi2"], chi2, rel_tol=1e-9)
    assert result.loc["mm", "trend"] == "increasing_getting_better"
    assert result.loc["low", "trend"] == "increasing_getting_worse"


def test_trend_driven_by_one_point_fails_the_leave_one_out_rule(tmp_path):
    counts, dens = [500, 500, 500, 500, 900], [1000] * 5
    chi2, _ = stats.chi2_trend_proportions(counts, dens)
    assert chi2 > trend.CHI2_CRITICAL  # significant on chi-squared alone, but one point drives it
    result = _run(tmp_path, _register(_measure("mm")), _series("mm", counts, dens))
    assert result.loc["mm", "trend"] == "no_significant_change"


def test_weighted_regression_trend_uses_the_confidence_intervals(tmp_path):
    values, lows, highs = [10, 12, 14, 16, 18], [9.5, 11.5, 13.5, 15.5, 17.5], [10.5, 12.5, 14.5, 16.5, 18.5]
    rows = [_obs("mm", AREA, 2021 + i, v, lower=lo, upper=hi) for i, (v, lo, hi) in enumerate(zip(values, lows, highs))]
    result = _run(tmp_path, _register(_measure("mm", "lower_is_better")), rows)
    chi2, _ = stats.chi2_trend_weighted(values, lows, highs)
    assert math.isclose(result.loc["mm", "trend_chi2"], chi2, rel_tol=1e-9)
    assert result.loc["mm", "trend"] == "increasing_getting_worse"


def test_trend_needs_five_consecutive_points(tmp_path):
    rows = _series("mm", [400, 440, 480, 530], [1000] * 4) + _series("mm", [580], [1000], first=2026)
    result = _run(tmp_path, _register(_measure("mm")), rows, report="2027/28 Q2")
    assert result.loc["mm", "trend"] == "cannot_be_calculated"


def test_rank_quartile_and_ties_oriented_by_polarity(tmp_path):
    members = [f"E0600000{i}" for i in range(1, 8)]
    member_values = [10, 20, 30, 40, 40, 60, 70]
    reg = _register(_measure("up", info_type="contextual"), _measure("down", "lower_is_better", info_type="contextual"))
    rows = [_obs(mid, code, 2025, v) for mid in ("up", "down") for code, v in zip(members, member_values)]
    rows += [_obs("up", AREA, 2025, 40.0), _obs("down", AREA, 2025, 40.0)]
    result = _run(tmp_path, reg, rows, members=members)
    # Higher is better: 60 and 70 are better; the tie at 40 shares rank 3 of 8 -> quartile 2.
    assert (result.loc["up", "rank"], result.loc["up", "group_size"], result.loc["up", "quartile"]) == (3, 8, 2)
    # Lower is better: 10, 20, 30 are better -> rank 4 of 8 -> quartile 2; 5th would be quartile 3.
    assert (result.loc["down", "rank"], result.loc["down", "quartile"]) == (4, 2)
    assert result.loc["up", "benchmark_median"] == 40.0
    assert (result.loc["up", "benchmark_min"], result.loc["up", "benchmark_max"]) == (10.0, 70.0)


def test_quartile_is_not_given_for_a_group_smaller_than_four(tmp_path):
    members = ["E06000001", "E06000002"]
    rows = [_obs("mm", c, 2025, v) for c, v in zip(members, [1.0, 2.0])] + [_obs("mm", AREA, 2025, 3.0)]
    result = _run(tmp_path, _register(_measure("mm", info_type="contextual")), rows, members=members)
    assert result.loc["mm", "rank"] == 1 and result.loc["mm", "group_size"] == 3
    assert pd.isna(result.loc["mm", "quartile"])


def test_significance_against_the_benchmark_uses_the_council_interval(tmp_path):
    members = [f"E0600000{i}" for i in range(1, 4)]
    reg = _register(_measure("similar"), _measure("worse"), _measure("better", "lower_is_better"))
    rows = []
    for mid in ("similar", "worse", "better"):
        rows += [_obs(mid, c, 2025, 50.0) for c in members]
    rows += [
        _obs("similar", AREA, 2025, 48.0, lower=45.0, upper=51.0),
        _obs("worse", AREA, 2025, 40.0, lower=38.0, upper=42.0),
        _obs("better", AREA, 2025, 40.0, lower=38.0, upper=42.0),
    ]
    result = _run(tmp_path, reg, rows, members=members)
    assert result.loc["similar", "significance"] == "similar"
    assert result.loc["worse", "significance"] == "worse"
    assert result.loc["better", "significance"] == "better"


def test_red_red_exception_and_benchmark_targets(tmp_path):
    members = [f"E0600000{i}" for i in range(1, 4)]
    median_target = {"basis": "cipfa_median", "tolerance": 1.0, "rationale": "r", "set_by": "s"}
    england_target = {"basis": "england", "tolerance": 0.0, "rationale": "r", "set_by": "s"}
    reg = _register(_measure("mm", target=median_target), _measure("ee", target=england_target))
    rows = [_obs("mm", c, 2025, 50.0) for c in members]
    rows += [_obs("mm", AREA, 2024, 45.0), _obs("mm", AREA, 2025, 40.0, lower=38.0, upper=42.0)]
    rows += [_obs("ee", ENG, 2025, 30.0), _obs("ee", AREA, 2025, 35.0)]
    result = _run(tmp_path, reg, rows, members=members)
    assert result.loc["mm", "target"] == 50.0 and result.loc["mm", "rag"] == "red"
    assert result.loc["mm", "exception_reasons"] == ("red_red", "red", "material_deterioration")
    assert result.loc["mm", "exception_severity"] == 1
    assert result.loc["ee", "target"] == 30.0 and result.loc["ee", "rag"] == "green"
    assert result.loc["ee", "exception_reasons"] == ("exceeding_target",)


def test_suppressed_latest_value_is_not_rated_as_a_number(tmp_path):
    reg = _register(_measure("mm", target=FIXED))
    result = _run(tmp_path, reg, [_obs("mm", AREA, 2024, 55.0), _obs("mm", AREA, 2025, None, status="suppressed")])
    assert result.loc["mm", "rag"] == "suppressed"
    assert result.loc["mm", "direction"] == "not_comparable"


ENGLAND_TARGET = {"basis": "england", "tolerance": 0.0, "rationale": "r", "set_by": "s"}


@pytest.mark.parametrize("year_before, persistent", [(40.0, True), (50.0, False)])
def test_persistent_red_compares_two_releases_never_one_figure_twice(tmp_path, year_before, persistent):
    """AY 2024/25 (ended Aug 2025) is the latest figure at 2025/26 Q2 and Q3 alike: one release, not two. At Q3
    its previous release is AY 2023/24 (the figure reported at Q1), red when it missed England's 50, not when
    it met it — the quarter before would have compared the same 40 with itself."""
    reg = _register(_measure("ay", target=ENGLAND_TARGET))
    obs = [_obs("ay", AREA, 2023, year_before), _obs("ay", AREA, 2024, 40.0)]
    obs += [_obs("ay", ENG, year, 50.0) for year in (2023, 2024)]
    card = _run(tmp_path, reg, obs, report="2025/26 Q3").reset_index()
    assert card.loc[0, "rag"] == "red" and card.loc[0, "period_label"] == periods.academic_year(2024).label
    previous = evaluate.previous_release(Context.of(tmp_path, reg, AREA), card).set_index("measure_id")
    assert previous.loc["ay", "previous_rag_period"] == periods.academic_year(2023).label
    assert previous.loc["ay", "previous_rag"] == ("red" if persistent else "green")
    found = evaluate.exceptions_of(card, reg, previous_rag=card["measure_id"].map(previous["previous_rag"]))
    assert ("persistent_red" in found.loc[0, "exception_reasons"]) is persistent


def test_a_first_release_and_a_measure_that_is_not_red_have_no_previous_release(tmp_path):
    reg = _register(_measure("first", target=ENGLAND_TARGET), _measure("fine", target=ENGLAND_TARGET))
    obs = [_obs("first", AREA, 2024, 40.0), _obs("fine", AREA, 2023, 40.0), _obs("fine", AREA, 2024, 60.0)]
    obs += [_obs(m, ENG, year, 50.0) for m in ("first", "fine") for year in (2023, 2024)]
    card = _run(tmp_path, reg, obs, report="2025/26 Q3")
    assert card["rag"].to_dict() == {"first": "red", "fine": "green"}
    previous = evaluate.previous_release(Context.of(tmp_path, reg, AREA), card.reset_index())
    assert previous.empty


def test_the_previous_report_is_read_again_when_the_data_changes(tmp_path):
    """The quarter compared is evaluated once per data version and table files: a new load is seen at once."""
    reg = _register(_measure("ay", target=ENGLAND_TARGET))
    found = []
    for year_before in (40.0, 50.0):  # the same folder, written twice
        obs = [_obs("ay", AREA, 2023, year_before), _obs("ay", AREA, 2024, 40.0)]
        obs += [_obs("ay", ENG, year, 50.0) for year in (2023, 2024)]
        card = _run(tmp_path, reg, obs, report="2025/26 Q3").reset_index()
        previous = evaluate.previous_release(Context.of(tmp_path, reg, AREA), card)
        found.append(previous["previous_rag"].tolist())
    assert found == [["red"], ["green"]]


@pytest.mark.parametrize("break_year, run", [(None, 4), (2021, 3), (2022, 2), (2023, 1)])
def test_worse_periods_running_stop_at_a_series_break(tmp_path, break_year, run):
    """Five falls AY 2020/21 … AY 2024/25: a break that begins with a later year ends the run there (the
    fourth point's own start is read, so a break starting with it keeps it)."""
    breaks = [periods.academic_year(break_year).label] if break_year else []
    reg = _register(_measure("falls", breaks=breaks))
    obs = [_obs("falls", AREA, year, value) for year, value in zip(range(2020, 2025), (100, 95, 90, 85, 80))]
    card = _run(tmp_path, reg, obs, report="2025/26 Q3")
    assert card.loc["falls", "worse_run"] == run


def test_a_past_quarter_shows_only_the_returns_loaded_by_its_report(tmp_path):
    """#27, as known then for council returns: a figure is known from its return's load time. A 2024/25 figure
    first returned in December 2026 is not in the 2025/26 Q2 or Q4 reports (October 2025, April 2026): they
    show 2023/24. One whose earlier version was held (a revision, loaded late) was known then, shown revised.
    Figures built with the data (the shipped returns, standing for returns made on time) are always known."""
    reg = _register(_measure("m1"), _measure("m2"))
    rows = [_obs(m, AREA, year, 50.0 + year - 2020) for m in ("m1", "m2") for year in (2021, 2022, 2023, 2025)]
    rows += [_obs("m1", AREA, 2024, 40.0) | {"batch_id": "b2"}, _obs("m2", AREA, 2024, 40.0, status="revised")]
    rows[-1]["batch_id"] = "b2"
    batches = pd.DataFrame(
        {"batch_id": ["b1", "b2"], "source_id": ["d", "d"], "loaded_at": ["", "2026-12-01T10:00:00+00:00"]}
    )
    earlier = pd.DataFrame([_obs("m2", AREA, 2024, 44.0)]).assign(superseded_by="b2", superseded_at="2026-12-01")
    for report in ("2025/26 Q2", "2025/26 Q4"):
        frame = _run(tmp_path, reg, rows, report=report, batches=batches, history=earlier)
        assert frame.loc["m1", ["period_label", "value"]].tolist() == ["AY 2023/24", 53.0]  # not yet returned
        assert frame.loc["m2", ["period_label", "value", "status"]].tolist() == ["AY 2024/25", 40.0, "revised"]
    latest = _run(tmp_path, reg, rows, report="2026/27 Q2", batches=batches, history=earlier)
    assert latest.loc["m1", "period_label"] == "AY 2025/26"
    loaded_in_time = batches.assign(loaded_at=["", "2025-10-20T09:00:00+00:00"])  # within October, the report month
    frame = _run(tmp_path, reg, rows, report="2025/26 Q2", batches=loaded_in_time, history=earlier)
    assert frame.loc["m1", ["period_label", "value"]].tolist() == ["AY 2024/25", 40.0]


def test_a_count_with_a_denominator_is_compared_as_a_rate(tmp_path):
    """#27: a count is set against other councils as a rate of its denominator when the register says so. On raw
    counts Sefton (100) would rank 2nd of 4 (only 40 lower); as a rate per 1,000 (10) it ranks 3rd, behind two
    councils at 3 per 1,000, and its interval (the count's, scaled: 8.1–12.2) is above the members' median rate
    of 3: worse. The group's count statistics are not shown beside the count."""
    rate = {"multiplier": 1000, "unit": "rate_per_1000", "label": "per 1,000 households"}
    source = {"match": "none", "returns": "illustrative", "denominator_column": "households"}
    reg = _register(_measure("cc", "lower_is_better", unit="count", source=source, compare_as_rate=rate))
    rows = [
        _obs("cc", AREA, 2025, 100.0, denominator=10_000, lower=81.4, upper=121.6),
        _obs("cc", "E1", 2025, 150.0, denominator=50_000),
        _obs("cc", "E2", 2025, 300.0, denominator=100_000),
        _obs("cc", "E3", 2025, 40.0, denominator=1_000),
    ]
    row = _run(tmp_path, reg, rows, members=("E1", "E2", "E3")).loc["cc"]
    assert (row["compared_value"], row["compared_median"], row["compared_as"]) == (10.0, 3.0, "per 1,000 households")
    assert (row["rank"], row["group_size"], row["significance"]) == (3, 4, "worse")
    assert pd.isna(row["benchmark_median"]) and pd.isna(row["not_tested"])
    plain = _register(_measure("cc", "lower_is_better", unit="count", source=source))
    raw = _run(tmp_path, plain, rows, members=("E1", "E2", "E3")).loc["cc"]
    assert pd.isna(raw["rank"]) and raw["not_tested"] == "count" and pd.isna(raw["compared_value"])


def test_only_a_count_with_a_denominator_can_be_compared_as_a_rate():
    rate = {"multiplier": 1000, "unit": "rate_per_1000", "label": "per 1,000"}
    with pytest.raises(ValueError, match="compare_as_rate: only a count with a source.denominator_column"):
        _register(_measure("pp", compare_as_rate=rate))  # a percentage
    with pytest.raises(ValueError, match="compare_as_rate"):
        _register(_measure("cc", unit="count", compare_as_rate=rate))  # no denominator


def test_a_rate_compared_count_of_zero_is_tested_and_members_without_denominators_make_no_group(tmp_path):
    """A count of 0 is a rate of 0, tested with its exact interval (0–3.69 households, scaled) — not left
    untested by a 0/0 scale; members with no denominator give no group: no rank "1 of 1", no median."""
    rate = {"multiplier": 1000, "unit": "rate_per_1000", "label": "per 1,000 households"}
    source = {"match": "none", "returns": "illustrative", "denominator_column": "households"}
    reg = _register(_measure("cc", "lower_is_better", unit="count", source=source, compare_as_rate=rate))
    members = [_obs("cc", code, 2025, 50.0, denominator=10_000) for code in ("E1", "E2", "E3")]
    zero = _run(tmp_path, reg, [_obs("cc", AREA, 2025, 0.0, denominator=10_000, lower=0.0, upper=3.69), *members],
                members=("E1", "E2", "E3")).loc["cc"]  # fmt: skip
    assert (zero["compared_value"], zero["compared_median"], zero["significance"]) == (0.0, 5.0, "better")
    bare = [m | {"denominator": None} for m in members]
    alone = _run(tmp_path, reg, [_obs("cc", AREA, 2025, 9.0, denominator=10_000, lower=4.1, upper=17.1), *bare],
                 members=("E1", "E2", "E3")).loc["cc"]  # fmt: skip
    assert pd.isna(alone["rank"]) and pd.isna(alone["group_size"]) and pd.isna(alone["compared_median"])
    assert alone["significance"] == "not_compared"


def test_a_card_frozen_before_deterioration_bases_still_gets_its_tiers():
    """A published card from before ``deterioration`` was frozen is re-tiered as DESIGN §5 reads (every basis)."""
    card = pd.DataFrame(
        {c: [None] for c in ["direction", "significance", "trend", "value", "target", "target_tolerance"]}
        | {"rag": ["amber"], "polarity": ["higher_is_better"], "deteriorated": [True], "info_type": ["key_result"]}
    )
    found = evaluate.exceptions_of(card, register.load())
    assert found.loc[0, "exception_tier"] == "for_decision"


def test_chunks_are_read_ahead_of_the_judging_in_order_and_no_further():
    """The next chunk is read in another thread while this one is judged (each judging waits for it: done one
    after another, this would time out), results come back in order, and no read starts more than ``READ_AHEAD``
    chunks ahead of the judging."""
    finished, too_far, readers = [], [], set()
    read_started = {i: threading.Event() for i in range(6)}

    def read(i):
        readers.add(threading.get_ident())
        if i - len(finished) > evaluate.READ_AHEAD:  # chunks i - READ_AHEAD … i unjudged at most
            too_far.append(i)
        read_started[i].set()
        return i

    def finish(i):
        if i + 1 < len(read_started):
            assert read_started[i + 1].wait(timeout=10), f"chunk {i + 1} was not read while chunk {i} was judged"
        finished.append(i)
        return i * 10

    assert evaluate._pipelined(read, finish, list(range(6))) == [0, 10, 20, 30, 40, 50]
    assert not too_far
    assert readers and threading.get_ident() not in readers


@pytest.mark.parametrize("many", [False, True])
def test_an_unknown_area_is_an_error_however_many_councils_are_asked_for(built_data, real_register, many):
    """A few councils are gathered at once, more in chunks: either way an unknown code is named, not left out."""
    ctx = Context(built_data[0], real_register)
    known = [code for (code,) in db.connect(ctx.folder).execute("SELECT code FROM areas ORDER BY code").fetchall()]
    asked = known[: evaluate.PRUNE_UP_TO + 1 if many else 3] + ["E99999999"]
    with pytest.raises(LookupError, match="unknown area 'E99999999'"):
        evaluate.evaluate(ctx, areas=asked)
