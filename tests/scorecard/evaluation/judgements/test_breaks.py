"""Series breaks: which comparisons cross one, and where a series starts."""

from scorecard.evaluation.judgements import breaks

BREAKS = {"places": ["AY 2024/25"]}


def test_crosses_only_when_the_break_falls_between():
    got = breaks.crosses(
        ["places", "places", "places", "other", "places"],
        ["2023-09-01", "2024-09-01", "2020-09-01", "2020-09-01", None],
        ["2024-09-01", "2025-09-01", "2023-09-01", "2025-09-01", "2024-09-01"],
        BREAKS,
    )
    assert got.tolist() == [True, False, False, False, False]


def test_latest_break_on_or_before_the_period():
    got = breaks.latest(["places", "places", "other"], ["2024-09-01", "2023-09-01", "2025-09-01"], BREAKS)
    assert got.tolist() == ["AY 2024/25", None, None]
