import re
from datetime import date

import pytest

from scorecard.store import periods


@pytest.mark.parametrize(
    "raw, fmt, label, start, end",
    [
        ("2025", "end_year_academic", "AY 2024/25", date(2024, 9, 1), date(2025, 8, 31)),
        ("2025", "end_year_financial", "2024/25", date(2024, 4, 1), date(2025, 3, 31)),
        ("2025", "september_snapshot", "30 Sep 2025", date(2025, 9, 30), date(2025, 9, 30)),
        ("2024-09-01/P1Y", "ons", "AY 2024/25", date(2024, 9, 1), date(2025, 8, 31)),
        ("2024-08-01/P1Y", "ons", "AY 2024/25", date(2024, 8, 1), date(2025, 7, 31)),
        ("2024-04-01/P1Y", "ons", "2024/25", date(2024, 4, 1), date(2025, 3, 31)),
        ("2024-01-01/P1Y", "ons", "2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2020-01-01/P3Y", "ons", "2020-22", date(2020, 1, 1), date(2022, 12, 31)),
        # a count at 00:00 on 1 January is the position at the end of 2025/26 Q3, not a January figure
        ("2026-01-01", "ons", "2025/26 Q3", date(2025, 10, 1), date(2025, 12, 31)),
        ("2025-09-30", "ons", "2025/26 Q2", date(2025, 7, 1), date(2025, 9, 30)),
        ("2023-24", "financial_year", "2023/24", date(2023, 4, 1), date(2024, 3, 31)),
        ("2025-12-31", "quarter_end", "2025/26 Q3", date(2025, 10, 1), date(2025, 12, 31)),
        ("2022", "autumn_snapshot", "Autumn 2022", date(2022, 1, 1), date(2022, 12, 31)),
    ],
)
def test_source_formats_normalise_once(raw, fmt, label, start, end):
    period = periods.parse(raw, fmt)
    assert (period.label, period.start, period.end) == (label, start, end)


def test_quarters_follow_the_financial_year():
    q2 = periods.parse_label("2024/25 Q2")
    assert (q2.start, q2.end) == (date(2024, 7, 1), date(2024, 9, 30))
    q4 = periods.parse_label("2024/25 Q4")
    assert (q4.start, q4.end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert q4.seq - q2.seq == 2
    assert periods.quarter_of(date(2025, 1, 15)).label == "2024/25 Q4"


def test_consecutive_periods_step_by_one():
    assert periods.parse("2025", "end_year_academic").seq - periods.parse("2024", "end_year_academic").seq == 1
    assert periods.month(2026, 1).seq - periods.month(2025, 12).seq == 1


def test_own_labels_round_trip():
    for label in ["2025/26 Q2", "2024/25", "AY 2024/25", "2024", "Jan 2026", "30 Sep 2025"]:
        assert periods.parse_label(label).label == label


@pytest.mark.parametrize("bad", ["2024/26", "Q2 2024", "2025/26 Q5", "Foo 2024", ""])
def test_bad_labels_are_refused_with_the_label_named(bad):
    with pytest.raises(ValueError, match="2024|2025|unrecognised|period"):
        periods.parse_label(bad)


def test_a_position_that_is_not_at_a_quarter_boundary_is_refused():
    with pytest.raises(ValueError, match="not at the end"):
        periods.parse("2026-01-15", "ons")


@pytest.mark.parametrize(
    "label, message",
    [
        ("0001/02 Q1", "the year is outside 1900–2099"),
        ("2150/51", "the year is outside 1900–2099"),
        ("01 Sep 2025", "write it as '1 Sep 2025'"),
        ("9999/00 Q4", "year 10000 is out of range"),
        ("2025/26 q2", "unrecognised period"),
    ],
)
def test_labels_are_strict(label, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        periods.parse_label(label)
    assert periods.parse_label(" 2025/26 Q2 ").label == "2025/26 Q2"  # surrounding spaces are not a new label
