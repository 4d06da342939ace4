"""The release calendar: usual release months in the register, and when each measure's next figures are due."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from scorecard import register
from scorecard.__main__ import main
from scorecard.ingest import sources
from scorecard.present import views, wording
from scorecard.register import Context, releases
from scorecard.register.definitions import Release
from scorecard.store import db, periods, storage

TODAY = date(2026, 11, 26)


def _release(frequency="annual", months=(12,), lag=8):
    return Release(frequency=frequency, months=list(months), lag_months=lag, basis="a test release schedule")


@pytest.mark.parametrize(
    ("release", "latest", "next_figures", "next_release", "due"),
    [
        # annual, December, 8 months after the financial year: 2024/25 figures in December 2025
        (_release(), periods.financial_year(2023), date(2025, 12, 1), date(2026, 12, 1), True),
        (_release(), periods.financial_year(2025), date(2027, 12, 1), date(2027, 12, 1), False),
        # this month counts as upcoming, not due
        (_release(months=(11,)), periods.financial_year(2024), date(2026, 11, 1), date(2026, 11, 1), False),
        # ONS rolling years, quarterly (Jan/Apr/Jul/Oct) four months on: YE Sep 2025 in January 2026
        (
            _release("quarterly", (1, 4, 7, 10), 4),
            periods.year_ending(2025, 6),
            date(2026, 1, 1),
            date(2027, 1, 1),
            True,
        ),
        (_release("quarterly", (1, 4, 7, 10), 4), periods.quarter(2026, 1), date(2027, 1, 1), date(2027, 1, 1), False),
        # a January census labelled with its academic year comes out in June, before the year ends
        (_release(months=(6,), lag=-2), periods.academic_year(2024), date(2026, 6, 1), date(2027, 6, 1), True),
        # an annual series from a monthly release: the year's figure the month after it ends
        (_release("monthly", (), 1), periods.calendar_year(2024), date(2026, 1, 1), date(2027, 1, 1), True),
    ],
)
def test_next_figures_and_next_release(release, latest, next_figures, next_release, due):
    got = releases.expected(release, latest, TODAY)
    assert (got.next_figures, got.next_release, got.due) == (next_figures, next_release, due)


@pytest.mark.parametrize("frequency", ["irregular", "discontinued"])
def test_no_date_without_a_schedule(frequency):
    release = Release(frequency=frequency, basis="no schedule for this one")
    assert releases.expected(release, periods.financial_year(2024), TODAY) == releases.Expected(None, None, False)
    assert releases.expected(_release(), None, TODAY) == releases.Expected(None, None, False)


@pytest.mark.parametrize(
    ("quarter", "release", "known_end"),
    [
        # workforce, 30 September snapshot out in March: not at Q3 (January), at Q4 (April)
        ("2025/26 Q3", _release(months=(3,), lag=6), date(2024, 9, 30)),
        ("2025/26 Q4", _release(months=(3,), lag=6), date(2025, 9, 30)),
        # homelessness, quarterly four months on: October-December comes out in April
        ("2025/26 Q3", _release("quarterly", (1, 4, 7, 10), 4), date(2025, 9, 30)),
        ("2025/26 Q4", _release("quarterly", (1, 4, 7, 10), 4), date(2025, 12, 31)),
        # a monthly release the month after: everything to the quarter's end is out by its report
        ("2025/26 Q3", _release("monthly", (), 1), date(2025, 12, 31)),
    ],
)
def test_what_was_released_by_a_quarters_report(quarter, release, known_end):
    assert releases.known_end(release, releases.report_month(periods.parse_label(quarter))) == known_end


def test_a_quarter_is_reported_the_month_after_it_ends():  # seed 001 ~1772, "Strategic Planning Cycle"
    months = [releases.report_month(periods.quarter(2025, q)) for q in (1, 2, 3, 4)]
    assert months == [date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 1), date(2026, 4, 1)]


@pytest.mark.parametrize(
    ("today", "quarter", "month"),
    [
        (date(2026, 12, 3), "2026/27 Q3", date(2027, 1, 1)),  # Q2's October report has passed
        (date(2026, 10, 20), "2026/27 Q2", date(2026, 10, 1)),  # this month's report still counts
        (date(2027, 1, 31), "2026/27 Q3", date(2027, 1, 1)),
        (date(2027, 2, 1), "2026/27 Q4", date(2027, 4, 1)),
    ],
)
def test_the_next_report_to_cabinet(today, quarter, month):
    got, due = releases.next_report(today)
    assert (got.label, due) == (quarter, month)


def test_no_cut_without_a_schedule():
    assert releases.known_end(None, date(2026, 1, 1)) is None
    assert releases.known_end(Release(frequency="irregular", basis="none known"), date(2026, 1, 1)) is None


def test_staleness_by_the_evaluations_rule_today_and_a_quarter_ahead():
    assert releases.staleness(date(2025, 3, 31), 24, TODAY) == "current"
    assert releases.staleness(date(2024, 11, 30), 24, date(2027, 1, 15)) == "stale"
    assert releases.staleness(date(2024, 12, 31), 24, TODAY) == "soon stale"
    assert releases.staleness(date(2025, 6, 30), 6, TODAY) == "stale"


@pytest.mark.parametrize(
    ("frequency", "months", "message"),
    [
        ("annual", [3, 9], "a annual release gives 1 month"),
        ("quarterly", [1, 4, 7], "gives 4 month"),
        ("quarterly", [1, 2, 7, 10], "three months apart"),
        ("monthly", [1], "gives 0 month"),
        ("annual", [13], "distinct month numbers 1-12"),
    ],
)
def test_release_schedules_are_validated(frequency, months, message):
    with pytest.raises(ValueError, match=message):
        Release(frequency=frequency, months=months, basis="checked by this test")


def test_every_data_set_has_a_schedule_and_compilations_give_one_per_measure(real_register):
    assert all(d.release.basis for d in real_register.datasets)
    for m in real_register.measures:
        if m.source.match != "none":
            assert releases.release_for(m, real_register).frequency != "varies", m.id


def _excel_month(serial: str) -> int:
    return (datetime(1899, 12, 30) + timedelta(days=int(serial))).month


def test_lait_measures_release_in_the_month_the_lait_dictionary_gives(real_register):
    with (sources.default_sources_dir() / "dfe-lait" / "lait_data_dictionary.csv").open(encoding="utf-8") as f:
        next_update = {r["Measure_short"]: r["Next Update"] for r in csv.DictReader(f)}
    checked = 0
    for m in real_register.measures:
        if m.source.dataset == "dfe_lait" and m.source.release.frequency == "annual":
            code = m.source.filters.get("measure_code") or m.source.filters["Short Desc"]
            assert m.source.release.months == [_excel_month(next_update[code])], m.id
            checked += 1
    assert checked >= 12


def test_explore_local_statistics_measures_release_in_the_month_of_their_source_date(real_register):
    folder = sources.default_sources_dir()
    checked = 0
    for m in real_register.measures:
        if m.source.dataset == "ons_els" and m.source.release.frequency == "annual":
            text = (folder / m.source.file).with_suffix(".json").read_text(encoding="utf-8")
            stamp = re.search(r'"sourceDate":\s*"(\d\d)/(\d\d)/(\d{4})"', text)
            assert m.source.release.months == [int(stamp.group(2))], m.id
            assert stamp.group(1) + "/" + stamp.group(2) in m.source.release.basis, m.id
            checked += 1
    assert checked >= 6


def test_release_calendar_on_the_built_data(built_data, real_register):
    table = views.release_calendar(Context.of(built_data[0], real_register), TODAY).set_index("measure_id")
    public = [m.id for m in real_register.measures if m.source.match != "none"]
    assert sorted(table.index) == sorted(public)
    recycling = table.loc["com_household_recycling_rate"]
    assert (recycling["latest_period"], recycling["state"], recycling["due"]) == ("2023/24", "stale", True)
    assert recycling["next_release"] == date(2026, 12, 1)
    assert recycling["expected"].startswith("Figures after 2023/24 were expected around December 2025")
    crime = table.loc["com_recorded_crime_rate"]
    assert crime["next_figures"] == date(2026, 1, 1) and crime["next_release"] == date(2027, 1, 1)
    assert table.loc["ig_unemployment_rate", "expected"].startswith("No further figures are expected: ONS has")
    upcoming = releases.upcoming_by_month(table.reset_index())
    assert upcoming["month"].iloc[0] == "November 2026" and (upcoming["next_release"] >= date(2026, 11, 1)).all()
    assert upcoming["next_release"].is_monotonic_increasing


def test_release_text_for_a_measure_whose_figures_are_not_due_yet():
    row = {"frequency": "annual", "next_figures": date(2027, 3, 1), "due": False, "basis": "x"}
    assert wording.release_text(row) == "Next figures expected around March 2027."


def test_a_compilation_measure_without_its_own_schedule_is_a_register_error(tmp_path):
    text = register.DEFAULT_PATH.read_text(encoding="utf-8")
    measure = text.index("- id: cyp_sw_turnover_rate\n")
    start = text.index("    release:\n", measure)
    end = text.index("    area_column:", start)
    path = tmp_path / "kpi_definitions.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(register.RegisterError, match="releases each indicator on its own schedule"):
        register.load(path)


def test_sources_command_prints_every_data_set_with_rows_latest_period_next_release_and_licence(
    built_data, real_register, capsys
):
    folder = built_data[0]
    db.reset()
    assert main(["sources", "--as-of", TODAY.isoformat(), "--data-dir", str(folder)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["data", "set", "rows", "latest", "period", "next", "expected", "release", "licence"]
    by_id = {line.split()[0]: line for line in lines[1:]}
    assert set(by_id) == {d.id for d in real_register.datasets}
    held = pd.read_parquet(storage.table_path(folder, "observations"))["source_id"].value_counts()
    for dataset in real_register.datasets:
        assert f" {held.get(dataset.id, 0)}  " in by_id[dataset.id] and dataset.licence in by_id[dataset.id]
    assert "2023/24" in by_id["defra_env18"] and "due Dec 2025, not loaded; next Dec 2026" in by_id["defra_env18"]
    assert "YE Jun 2025" in by_id["ons_crime_csp"]
    assert main(["sources", "--format", "csv", "--as-of", TODAY.isoformat(), "--data-dir", str(folder)]) == 0
    assert capsys.readouterr().out.startswith("dataset,rows,latest_period,next_release,licence\n")
