"""Exception reasons as codes, in severity order, one tuple per row."""

import numpy as np

from scorecard.evaluation.judgements import exceptions


def test_reasons_by_row():
    got = exceptions.reasons(
        rag=["red", "amber", "green", "green", "missing", "stale", "not_rated", "green"],
        direction=["worsening", "improving", "no_change", "worsening", None, None, "worsening", "improving"],
        significance=["worse", "similar", "better", "worse", None, None, "worse", "better"],
        info_type=[
            "key_result",
            "performance_indicator",
            "performance_indicator",
            "performance_indicator",
            "key_result",
            "key_result",
            "contextual",
            "performance_indicator",
        ],
        value=[10.0, 49.0, 55.0, 50.5, None, 1.0, 1.0, 52.0],
        target=[50.0, 50.0, 50.0, 50.0, 50.0, 50.0, None, 50.0],
        tolerance=[2.0, 2.0, 2.0, 1.0, 2.0, 2.0, None, 2.0],
        good=np.array([1, 1, 1, 1, 1, 1, 1, 1]),
    )
    assert got.tolist() == [
        ("red", "worsening", "red_red"),
        ("amber",),
        ("exceeding_target",),  # 5 better than target, beyond the tolerance of 2
        ("worsening", "red_red"),
        ("missing",),
        ("stale",),
        ("red_red",),  # contextual: not 'worsening', but worse than the group and worsening
        (),  # 2 better than target: within the tolerance, not exceeding
    ]
