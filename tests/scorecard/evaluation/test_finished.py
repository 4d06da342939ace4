"""The finished scorecard (#22): judgements, persistence, exceptions and forecasts applied once in
``evaluation``, so ``python -m scorecard evaluate`` carries every judged field the app shows."""

from __future__ import annotations

import json
import math

import pytest

from scorecard import SEFTON
from scorecard import __main__ as cli
from scorecard.evaluation import finished
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import db

FORECAST = [
    "forecast_value",
    "forecast_lower",
    "forecast_upper",
    "forecast_method",
    "forecast_status",
    "forecast_reason",
]


def _json(folder, period, capsys) -> dict[str, dict]:
    db.reset()
    assert cli.main(["evaluate", "--period", period, "--format", "json", "--data-dir", str(folder)]) == 0
    return {r["measure_id"]: r for r in json.loads(capsys.readouterr().out)}


def test_evaluate_json_mid_year_carries_each_forecast_and_its_status(built_data, real_register, capsys):
    folder, _ = built_data
    records = _json(folder, "2025/26 Q2", capsys)
    card = finished.scorecard(Context.of(folder, real_register), "2025/26 Q2").set_index("measure_id")
    forecast = card[card["forecast_value"].notna()]
    assert len(forecast) >= 10
    for measure_id, row in forecast.iterrows():
        got = records[measure_id]
        assert got["forecast_value"] == pytest.approx(row["forecast_value"])
        assert got["forecast_lower"] <= got["forecast_value"] <= got["forecast_upper"]
        assert (got["forecast_method"], got["forecast_year"]) == (row["forecast_method"], "2025/26")
        assert got["forecast_status"] == row["forecast_status"]
        if row["forecast_illustrative"]:
            assert got["forecast_status"] is None  # no status on a made-up series


def test_evaluate_json_at_year_end_carries_severities_and_why_no_forecast(built_data, capsys):
    folder, _ = built_data
    records = _json(folder, "2025/26 Q4", capsys)
    exceptional = [r for r in records.values() if r["exception_reasons"]]
    assert exceptional and all(isinstance(r["exception_severity"], int) and r["exception_tier"] for r in exceptional)
    done = [r for r in records.values() if r["forecast_reason"] == "year_complete"]
    assert done and all(r["forecast_value"] is None and r["forecast_status"] is None for r in done)
    assert {key for r in records.values() for key in r} >= {*FORECAST, "previous_rag", "new_figure", "target"}


def test_the_page_scorecard_is_the_finished_one_worded(built_data, real_register):
    """``present.views.scorecard`` adds names, order and summaries only: every judged column is the engine's."""
    folder, _ = built_data
    engine = finished.scorecard(Context.of(folder, real_register), "2025/26 Q3").set_index("measure_id")
    shown = views.scorecard(Context.of(folder, real_register), "2025/26 Q3").set_index("measure_id")
    assert set(shown.columns) - set(engine.columns) == {"area_name", "benchmark_group_name", "summary"}
    for column in ["rag", "exception_severity", "exception_tier", "forecast_status", "forecast_rag", "previous_rag"]:
        for measure_id in engine.index:
            a, b = engine.at[measure_id, column], shown.at[measure_id, column]
            assert (
                a == b
                or (a is None or (isinstance(a, float) and math.isnan(a)))
                and (b is None or (isinstance(b, float) and math.isnan(b)))
            ), (column, measure_id)


def test_a_register_that_no_longer_holds_a_measure_still_evaluates(built_data, real_register):
    """Observations of a measure dropped from the register (retired, or a register cut to a few measures) are not
    the scorecard's: its forecasts and their calibration ignore them rather than fail."""
    db.reset()
    kept = [m for m in real_register.measures if m.id != "hou_homelessness_prevention_pct"][:3]
    few = real_register.model_copy(update={"measures": kept})
    card = finished.scorecard(Context.of(built_data[0], few), "2025/26 Q2")
    assert sorted(card["measure_id"]) == sorted(m.id for m in kept)


def test_persistent_red_reads_the_rag_the_previous_report_gave(data_dir):
    """The previous report's RAG is what it reported where it was released or published (#27), not a re-run:
    here the 2024/25 Q3 report is recorded as having said red for repeat referrals (a re-run says amber)."""
    from scorecard.store import ledger, storage

    measure, q4 = "cyp_repeat_referrals_12m_pct", "2025/26 Q4"
    before = finished.scorecard(Context.of(data_dir), q4).set_index("measure_id").loc[measure]
    assert (before["previous_rag"], before["previous_rag_period"]) == ("amber", "2023/24")  # as known then
    assert list(before["exception_reasons"]) == ["red"]
    told = {"period": "2024/25 Q3", "area_code": SEFTON, "measure_id": measure, "rag": "red"}
    told |= {"period_label": "2023/24", "state": "published"}
    with storage.locked(data_dir):
        table = ledger.appended(ledger.REPORTED, ledger.empty(ledger.REPORTED), [told])
        ledger.write(data_dir, {ledger.REPORTED: table})
    db.reset()
    after = finished.scorecard(Context.of(data_dir), q4).set_index("measure_id").loc[measure]
    assert (after["previous_rag"], after["previous_rag_period"]) == ("red", "2023/24")
    assert list(after["exception_reasons"]) == ["persistent_red"]
