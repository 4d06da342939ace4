"""The exception policy's rules on hand-made rows: the CI boundary, the materiality boundary, two periods
running, persistent red, severity order — no Parquet, no DuckDB."""

import numpy as np
import pytest

from scorecard import register
from scorecard.evaluation.judgements import direction, exceptions

SEVERITY = register.load().exception_policy.severity


def _basis(*recent, lower=None, upper=None, size=2.0, good=1, band=None):
    """The deterioration basis of one series (oldest first), direction judged as the engine does."""
    points = np.array([[np.nan] * (5 - len(recent)) + list(recent)], dtype=float)
    moved = direction.compare(points[:, -1], points[:, -2], [good], [band])
    return exceptions.deterioration(moved, [good], [lower], [upper], [size], [band], points)[0]


@pytest.mark.parametrize(
    "value, lower, upper, basis",
    [
        (44.9, 45.0, 55.0, "significant"),  # below the previous value's interval
        (45.0, 45.0, 55.0, None),  # on its edge: inside, and within the materiality
        (55.0, 45.0, 55.0, None),  # better, not worse
        (40.0, 45.0, 55.0, "significant"),
    ],
)
def test_outside_the_previous_confidence_interval(value, lower, upper, basis):
    assert _basis(50.0, value, lower=lower, upper=upper, size=10.0) == basis  # the interval decides


@pytest.mark.parametrize("value, basis", [(48.0, None), (47.99, "material")])  # materiality 2 points, no interval
def test_beyond_the_materiality(value, basis):
    assert _basis(50.0, value) == basis


def test_beyond_the_materiality_inside_the_interval_is_material_and_says_so():
    """Homelessness preventions, 2025/26: a fall of 4.79 points on 34 cases is inside the previous figure's
    interval (DESIGN.md §5 reads "outside the CI, *or* beyond materiality"): flagged, with chance named."""
    assert _basis(64.71, 59.92, lower=47.9, upper=78.5, size=2.0) == "material_within_interval"


def test_three_small_falls_running_are_material():
    """MMR1 at 24 months: 90.3 → 87.8 → 86.8 → 86.1, the last step inside the 1% no-change band."""
    points = [90.3, 87.8, 86.8, 86.1]
    moved = direction.compare([86.1], [86.8], [1], [None])
    assert moved[0] == "no_change"
    assert _basis(*points, size=2.0) == "sustained"
    assert exceptions.worse_run(np.array([[np.nan, *points]]), [1])[0] == 3


def test_a_wobble_inside_the_band_is_not_two_periods_running():
    assert _basis(50.0, 49.9, 49.85) is None  # two falls, 0.15 together, inside the 0.5 band
    assert _basis(50.0, 49.0, 49.5) is None  # worse then better
    assert _basis(50.0, 52.0, 51.0, good=0) is None  # no polarity: never worse


def test_a_series_break_ends_the_run():
    points = np.array([[np.nan, np.nan, np.nan, 86.8, 86.1]])  # the points before the break blanked
    assert exceptions.worse_run(points, [1])[0] == 1


def test_a_contextual_measure_deteriorates_under_its_own_reason():
    found = exceptions.reasons(
        ["not_rated", "not_rated"], ["worsening"] * 2, ["similar"] * 2, [""] * 2, [1.0, 1.0], [None, None],
        [None, None], [1, 1], [True, True], ["contextual", "performance_indicator"], SEVERITY,
    )  # fmt: skip
    assert tuple(found) == (("context_deterioration",), ("material_deterioration",))


def test_materiality_by_measure_unit_or_relative():
    got = exceptions.materiality(
        ["percent", "percent", "count", "rate_per_1000"],
        [None, 0.5, None, None],
        [50, 50, 200, 40],
        {"percent": 2.0},
        0.05,
    )
    assert got.tolist() == [2.0, 0.5, 10.0, 2.0]


def _reasons(
    rag,
    previous_rag=None,
    has_commentary=None,
    direction="no_change",
    significance="similar",
    trend="not_applied",
    deteriorated=False,
    value=50.0,
    target=50.0,
    tolerance=2.0,
    severity=SEVERITY,
):
    return exceptions.reasons(
        [rag],
        [direction],
        [significance],
        [trend],
        [value],
        [target],
        [tolerance],
        np.array([1]),
        [deteriorated],
        ["performance_indicator"],
        severity,
        None if previous_rag is None else [previous_rag],
        None if has_commentary is None else [has_commentary],
    )[0]


def test_persistent_red_needs_the_previous_quarter():
    assert _reasons("red", previous_rag="red") == ("persistent_red",)  # one reason per fact: not also "red"
    without = {code: rank for code, rank in SEVERITY.items() if code != "persistent_red"}
    assert _reasons("red", previous_rag="red", severity=without) == ("red",)  # the rule off: still red
    assert _reasons("red", previous_rag="amber") == ("red",)
    assert _reasons("red") == ("red",)  # previous quarter unknown: the rule is not applied


def test_red_or_amber_without_commentary():
    assert _reasons("amber", has_commentary=False) == ("no_commentary", "amber")
    assert _reasons("amber", has_commentary=True) == ("amber",)
    assert _reasons("green", value=51.0, has_commentary=False) == ()


def test_red_red_needs_worse_than_the_benchmark_and_worsening():
    assert _reasons("no_target", direction="worsening", significance="worse") == ("red_red",)
    assert _reasons("no_target", direction="improving", significance="worse") == ()
    assert _reasons("no_target", direction="worsening", significance="similar") == ()


def test_exceeding_target_only_beyond_the_tolerance():
    assert _reasons("green", value=52.0) == ()
    assert _reasons("green", value=52.01) == ("exceeding_target",)


def test_reasons_in_severity_order_and_a_rule_switched_off():
    found = _reasons(
        "red",
        previous_rag="red",
        direction="worsening",
        significance="worse",
        trend="decreasing_getting_worse",
        deteriorated=True,
        has_commentary=False,
    )
    assert found == ("red_red", "persistent_red", "material_deterioration", "trend_worsening", "no_commentary")
    assert exceptions.severity_of([found, ()], SEVERITY).tolist() == [1, 0]
    without_trend = {code: rank for code, rank in SEVERITY.items() if code != "trend_worsening"}
    assert "trend_worsening" not in _reasons("green", trend="decreasing_getting_worse", severity=without_trend)
    reordered = SEVERITY | {"amber": 1}
    assert _reasons("amber", has_commentary=False, severity=reordered) == ("amber", "no_commentary")


@pytest.mark.parametrize(
    "reasons, rag, tier",
    [
        (("red",), "red", "for_decision"),
        (("persistent_red",), "red", "for_decision"),
        (("red_red",), "no_target", "for_decision"),
        (("material_deterioration", "amber"), "amber", "for_decision"),  # an amber measure getting worse
        (("material_deterioration",), "green", "watch"),  # a green one getting worse
        (("trend_worsening",), "not_rated", "watch"),
        (("amber",), "amber", "watch"),
        (("stale",), "stale", "watch"),
        (("context_deterioration",), "not_rated", "watch"),
        (("exceeding_target",), "green", "going_well"),
        ((), "green", None),
    ],
)
def test_three_tiers(reasons, rag, tier):
    """DESIGN.md §5: for decision, watch, going well."""
    assert exceptions.tier([reasons], [rag])[0] == tier


@pytest.mark.parametrize(
    "rag, basis, tier",
    [
        ("amber", "significant", "for_decision"),  # outside the previous figure's interval
        ("amber", "sustained", "for_decision"),  # worse two periods running
        ("amber", "material", "watch"),  # one move past the materiality, nothing to test it against
        ("amber", "material_within_interval", "watch"),  # chance alone could give it
        ("red", "material", "for_decision"),  # every deterioration of a red measure
        ("green", "significant", "watch"),
    ],
)
def test_the_policy_chooses_which_amber_deteriorations_are_for_decision(rag, basis, tier):
    """The register's ``amber_for_decision`` (BI's policy): an amber measure's deterioration goes to Cabinet when
    the evidence says it is not chance; otherwise it is watched, and goes up if it continues (sustained)."""
    reasons = ("material_deterioration", "amber") if rag == "amber" else ("material_deterioration",)
    assert exceptions.tier([reasons], [rag], [basis], ("significant", "sustained"))[0] == tier
    assert exceptions.tier([reasons], [rag], [basis])[0] == ("watch" if rag == "green" else "for_decision")
