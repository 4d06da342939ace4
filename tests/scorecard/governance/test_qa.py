"""BI's QA checklist (#26 item 2): plausibility, revision size, a missing denominator and a stale source, each
judged by hand on made-up rows, then on the real data and recorded with the check step."""

from __future__ import annotations

import pandas as pd

from scorecard.governance import audit, qa, workflow
from scorecard.ingest import load
from scorecard.present import views
from scorecard.register import Context

Q = "2025/26 Q4"


def _row(**change) -> dict:
    row = {"value": 40.0, "numerator": 40.0, "denominator": 100.0, "area_code": "E08000014"}
    row |= {"period_label": "2025/26 Q4", "exception_reasons": [], "stale_after_months": 6}
    return row | change


def _results(row: dict, measure, history=None) -> dict:
    history = history if history is not None else pd.DataFrame(columns=load.HISTORY_COLUMNS)
    return dict(zip(*qa.judged(row, measure, history)[["check", "result"]].T.values))


def test_each_check_by_hand(real_register):
    measure = next(m for m in real_register.measures if m.unit == "percent" and m.plausible is None)
    assert set(_results(_row(), measure).values()) == {"pass"}
    assert _results(_row(value=140.0), measure)["plausible"] == "attention"
    assert _results(_row(denominator=float("nan")), measure)["denominator"] == "attention"
    assert _results(_row(numerator=float("nan"), denominator=float("nan")), measure)["denominator"] == "n/a"
    assert _results(_row(exception_reasons=["stale", "red"]), measure)["stale"] == "attention"
    earlier = pd.DataFrame(
        [{"area_code": "E08000014", "period_label": "2025/26 Q4", "value": v} for v in (36.0, 30.0)]
    )  # newest first: 36 replaced 30, then 40 replaced 36
    assert _results(_row(), measure, earlier)["revision"] == "attention"  # 36 → 40 is 11%
    assert _results(_row(value=39.0), measure, earlier)["revision"] == "pass"  # 36 → 39 is 8%
    assert set(_results(_row(value=float("nan")), measure).values()) == {"n/a", "pass"}


def test_the_check_step_records_what_needs_attention(data_dir, real_register):
    ctx = Context.of(data_dir)
    card = views.scorecard(ctx, Q)
    measure = next(m for m, why in zip(card["measure_id"], card["exception_reasons"]) if "stale" in why)
    checks = qa.checklist(Context.of(data_dir, real_register), measure, Q)
    assert list(checks["check"]) == ["plausible", "revision", "denominator", "stale"]
    workflow.take(ctx, "submit", measure, Q, "owner", "data_owner")
    written = workflow.take(ctx, "check", measure, Q, "BI analyst", "bi")
    assert written["qa"] == qa.needing_attention(checks) and written["qa"][0].startswith("stale: latest figure")
    entry = [e for e in audit.entries(data_dir) if e["action"] == workflow.ACTION][-1]
    assert entry["detail"]["qa"] == written["qa"]
