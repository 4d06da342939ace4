"""Targets as approved data: every version kept; the ``targets`` table gives one target in force per date."""

from __future__ import annotations

import pandas as pd
import pytest

from scorecard.register import targets
from scorecard.store import ledger, periods

DERIVED = "cyp_sw_turnover_rate"  # register: CIPFA neighbour median, no financial year
FIXED = "asc_msp_outcomes_met_pct"  # register: fixed 2025/26 (illustrative)


def _version(measure, year, value=None, basis="fixed", approved_on="2026-02-05", **extra):
    row = {
        "measure_id": measure,
        "financial_year": year,
        "basis": basis,
        "value": value,
        "tolerance": 1.0,
        "rationale": "test",
        "set_by": "Cabinet",
        "approved_by": "Cabinet" if approved_on else "",
        "approved_on": approved_on,
        "illustrative": False,
        "source": "return",
        "batch_id": "b1",
        "written_at": "2026-02-06T10:00:00+00:00",
        "version": 1,
    }
    return row | extra


def _in_force_at(table, measure, label):
    day = pd.Timestamp(periods.parse_label(label).end)
    part = table[table["measure_id"] == measure]
    hit = part[
        (part["fy_start"].isna() | (part["fy_start"] <= day)) & (part["fy_end"].isna() | (day <= part["fy_end"]))
    ]
    return hit


def test_register_targets_are_the_initial_set(real_register):
    table = targets.in_force(targets.versions(real_register))
    with_target = [m for m in real_register.measures if m.target]
    assert sorted(table["measure_id"]) == sorted(m.id for m in with_target)  # one row each, as before
    fixed = table.set_index("measure_id").loc[FIXED]
    assert (fixed["fy_start"], fixed["fy_end"]) == (pd.Timestamp("2025-04-01"), pd.Timestamp("2026-03-31"))
    assert fixed["status"] == "illustrative"
    derived = table.set_index("measure_id").loc[DERIVED]
    assert pd.isna(derived["fy_start"]) and pd.isna(derived["fy_end"]) and derived["status"] == "proposed"


def test_a_2026_27_target_covers_that_year_only(real_register):
    loaded = pd.DataFrame([_version(DERIVED, "2026/27", 12.0), _version(FIXED, "2026/27", 95.0)])
    table = targets.in_force(targets.versions(real_register, loaded))
    for measure in (DERIVED, FIXED):
        for label in ("2024/25 Q1", "2025/26 Q1", "2025/26 Q4", "2026/27 Q1", "2026/27 Q4", "2027/28 Q2", "2019/20"):
            assert len(_in_force_at(table, measure, label)) <= 1, (measure, label)
    assert _in_force_at(table, DERIVED, "2025/26 Q4")["basis"].item() == "cipfa_median"
    assert _in_force_at(table, DERIVED, "2026/27 Q2")["value"].item() == 12.0
    assert _in_force_at(table, DERIVED, "2027/28 Q1")["basis"].item() == "cipfa_median"  # the year-less basis again
    assert _in_force_at(table, FIXED, "2025/26 Q3")["value"].item() == 91.0  # the register's, unchanged
    assert _in_force_at(table, FIXED, "2026/27 Q3")["value"].item() == 95.0
    assert _in_force_at(table, FIXED, "2024/25 Q3").empty and _in_force_at(table, FIXED, "2027/28 Q3").empty
    assert _in_force_at(table, FIXED, "2026/27 Q3")["status"].item() == "approved"


def test_the_latest_version_for_a_year_wins_and_none_is_lost(real_register):
    loaded = pd.DataFrame(
        [_version(FIXED, "2026/27", 95.0, version=1), _version(FIXED, "2026/27", 93.0, approved_on="", version=2)]
    )
    versions = targets.versions(real_register, loaded)
    assert len(versions[versions["measure_id"] == FIXED]) == 3  # the register's and both loaded
    table = targets.in_force(versions)
    now = _in_force_at(table, FIXED, "2026/27 Q1")
    assert now["value"].item() == 93.0 and now["status"].item() == "proposed"


def test_status_words():
    assert targets.status(True, "2026-02-01") == "illustrative"
    assert targets.status(False, "2026-02-01") == "approved"
    assert targets.status(False, "") == "proposed"


def test_targets_for_a_year_list_every_measure(real_register):
    loaded = pd.DataFrame([_version(FIXED, "2026/27", 95.0)])
    year = targets.for_year(real_register, targets.versions(real_register, loaded), "2026/27").set_index("measure_id")
    assert len(year) == len(real_register.measures)
    assert (
        year.loc[FIXED, "value"] == 95.0
        and year.loc[FIXED, "for_this_year"]
        and year.loc[FIXED, "previous_value"] == 91.0
    )
    assert year.loc[DERIVED, "basis"] == "cipfa_median" and not year.loc[DERIVED, "for_this_year"]
    contextual = next(m.id for m in real_register.measures if m.info_type == "contextual")
    assert year.loc[contextual, "status"] == "contextual"
    with pytest.raises(ValueError, match="not a financial year"):
        targets.for_year(real_register, targets.versions(real_register), "2026/27 Q1")


def test_versions_have_the_ledger_columns(real_register):
    assert list(targets.from_register(real_register).columns) == ledger.SCHEMAS[ledger.TARGET_VERSIONS].names
