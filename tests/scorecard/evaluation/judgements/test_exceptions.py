"""The exception policy's rules on hand-made rows: the CI boundary, the materiality boundary, two periods
running, persistent red, severity order — no Parquet, no DuckDB."""

import numpy as np
import pytest

from scorecard import register
from scorecard.evaluation.judgements import exceptions

SEVERITY = register.load().exception_policy.severity


def _material(value, previous, lower=None, upper=None, size=2.0, before="no_change", direction="worsening"):
    return exceptions.material_deterioration(
        [direction], ["performance_indicator"], [value], [previous], [lower], [upper], [size], [before]
    )[0]


@pytest.mark.parametrize(
    "value, lower, upper, material",
    [
        (44.9, 45.0, 55.0, True),  # below the previous value's interval
        (45.0, 45.0, 55.0, False),  # on its edge: inside
        (55.0, 45.0, 55.0, False),
        (55.1, 45.0, 55.0, True),
    ],
)
def test_outside_the_previous_confidence_interval(value, lower, upper, material):
    assert _material(value, 50.0, lower, upper, size=0.01) == material  # the interval decides, not the size


@pytest.mark.parametrize("value, material", [(48.0, False), (47.99, True)])  # materiality 2 points, no interval
def test_beyond_the_materiality(value, material):
    assert _material(value, 50.0) == material


def test_two_periods_running_is_material_whatever_the_size():
    assert _material(49.5, 50.0, before="worsening")
    assert not _material(49.5, 50.0, before="improving")
    assert not _material(49.5, 50.0, before="worsening", direction="improving")


def test_contextual_indicators_do_not_deteriorate():
    got = exceptions.material_deterioration(["worsening"], ["contextual"], [10.0], [50.0], [None], [None], [2.0], [""])
    assert not got[0]


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
        severity,
        None if previous_rag is None else [previous_rag],
        None if has_commentary is None else [has_commentary],
    )[0]


def test_persistent_red_needs_the_previous_quarter():
    assert _reasons("red", previous_rag="red") == ("persistent_red", "red")
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
    assert found == ("red_red", "persistent_red", "red", "material_deterioration", "trend_worsening", "no_commentary")
    assert exceptions.severity_of([found, ()], SEVERITY).tolist() == [1, 0]
    without_trend = {code: rank for code, rank in SEVERITY.items() if code != "trend_worsening"}
    assert "trend_worsening" not in _reasons("green", trend="decreasing_getting_worse", severity=without_trend)
    reordered = SEVERITY | {"amber": 1}
    assert _reasons("amber", has_commentary=False, severity=reordered) == ("amber", "no_commentary")
