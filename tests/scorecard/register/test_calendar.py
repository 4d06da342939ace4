"""The quarterly calendar (#26 item 3): months from the strategic planning cycle, days from the register."""

from __future__ import annotations

from datetime import date

import pytest

from scorecard import register
from scorecard.__main__ import main
from scorecard.register import calendar


def test_each_quarter_is_returned_checked_and_signed_off_before_its_cabinet_month_ends(real_register):
    q4 = calendar.quarter(real_register, "2025/26 Q4")
    assert (q4.ends, q4.returns_due, q4.qa_due, q4.sign_off_due) == (
        date(2026, 3, 31),
        date(2026, 4, 10),
        date(2026, 4, 15),
        date(2026, 4, 20),
    )
    assert q4.cabinet_month == date(2026, 4, 1) and q4.due("check") == q4.qa_due
    months = {f"2025/26 Q{n}": calendar.quarter(real_register, f"2025/26 Q{n}").cabinet_month.month for n in (1, 2, 3)}
    assert months == {"2025/26 Q1": 7, "2025/26 Q2": 10, "2025/26 Q3": 1}  # July, October, January (seed 001)
    for n in range(1, 5):
        q = calendar.quarter(real_register, f"2025/26 Q{n}")
        assert q.ends < q.returns_due < q.qa_due < q.sign_off_due
        assert (q.sign_off_due.year, q.sign_off_due.month) == (q.cabinet_month.year, q.cabinet_month.month)


def test_the_year_lists_targets_in_february_and_the_outturn_in_june(real_register):
    events = calendar.year(real_register, "2025/26")
    assert events == sorted(events) and len(events) == 18
    assert (date(2026, 2, 1), "2026/27 targets confirmed") in events
    assert (date(2025, 6, 1), "2024/25 outturn report") in events
    with pytest.raises(ValueError, match="write it as '2025/26'"):
        calendar.year(real_register, "2025/26 Q1")
    with pytest.raises(ValueError, match="write it as '2025/26 Q4'"):
        calendar.quarter(real_register, "2025/26")


def test_a_timetable_that_runs_past_the_cabinet_month_is_a_register_error(tmp_path):
    text = register.DEFAULT_PATH.read_text(encoding="utf-8").replace("  qa_days: 5 ", "  qa_days: 15 ", 1)
    path = tmp_path / "kpi_definitions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(register.RegisterError) as caught:
        register.load(path)
    assert any("sign_off_days" in p and "take 30 days" in p for p in caught.value.problems)


def test_the_calendar_command_prints_the_year(capsys):
    assert main(["calendar", "--year", "2025/26"]) == 0
    out = capsys.readouterr().out
    assert "Fri 10 Apr 2026  2025/26 Q4: returns due" in out and "April 2026       2025/26 Q4: CPOR to Cabinet" in out
    assert main(["calendar", "--year", "2025"]) == 2
