"""scorecard.governance.withhold on the shipped data at 2025/26 Q4: an illustrative figure keeps its definition
but no number and no judgement; an illustrative target takes its RAG with it; real figures are untouched."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scorecard.evaluation.judgements.rag import AWAITING
from scorecard.governance import withhold
from scorecard.present import views
from scorecard.register import Context

Q = "2025/26 Q4"
NUMBERS = [
    "value",
    "numerator",
    "denominator",
    "lower_ci",
    "upper_ci",
    "previous_value",
    "last_year_value",
    "benchmark_median",
    "england_value",
    "rank",
    "forecast_value",
    "forecast_lower",
    "forecast_upper",
]


@pytest.fixture(scope="module")
def live(built_data, real_register):
    return views.scorecard(Context.of(built_data[0], real_register), Q)


def test_an_illustrative_figure_is_withheld_with_everything_judged_from_it(live, real_register):
    shown = withhold.card(live, real_register)
    made_up = live["status"].eq("illustrative").to_numpy()
    assert made_up.sum() == 48  # the shipped demo returns
    gone = shown[made_up]
    assert gone[NUMBERS].isna().all().all()
    assert (gone["rag"] == AWAITING).all() and (gone["status"] == AWAITING).all()
    assert gone[["direction", "trend", "quartile", "forecast_status", "target"]].isna().all().all()
    assert not any(len(r) for r in gone["exception_reasons"]) and gone["exception_tier"].isna().all()
    assert gone["summary"].str.endswith(f"awaiting the service's return for {Q}.").all()
    assert (gone["title"] == live.loc[made_up, "title"]).all()  # what the measure is stays


def test_real_figures_are_untouched(live, real_register):
    shown = withhold.card(live, real_register)
    real = ~live["status"].eq("illustrative").to_numpy()
    for column in ("value", "rag", "direction", "exception_tier", "summary"):
        pd.testing.assert_series_equal(shown.loc[real, column], live.loc[real, column], check_dtype=False)


def test_an_illustrative_target_takes_its_rag_and_its_exceptions_with_it(live, real_register):
    red = live.index[live["rag"].eq("red") & live["status"].ne("illustrative")][0]
    card = live.assign(target_illustrative=np.where(live.index == red, True, live["target_illustrative"]))
    row = withhold.card(card, real_register).loc[red]
    assert row["value"] == live.loc[red, "value"] and row["direction"] == live.loc[red, "direction"]
    assert pd.isna(row["target"]) and row["rag"] == AWAITING and pd.isna(row["previous_rag"])
    assert not {"red", "persistent_red", "red_red"} & set(row["exception_reasons"])
    assert row["summary"].endswith("its target is awaiting the service's return.")


def test_illustrative_rows_are_dropped_from_frozen_tables():
    frame = pd.DataFrame(
        {"status": ["ok", "illustrative", None, "ok"], "illustrative": [False, False, True, None], "n": [1, 2, 3, 4]}
    )
    assert withhold.rows(frame)["n"].tolist() == [1, 4]
    assert withhold.rows(frame.drop(columns="status"))["n"].tolist() == [1, 2, 4]
