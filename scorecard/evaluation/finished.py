"""The finished scorecard of one area at a reporting quarter — facts, judgements, persistence, exceptions
(codes, severity, tier) and year-end forecasts with their status — applied once, so that every reader (the
app, the packs, ``python -m scorecard evaluate``) shows the same judgements and :mod:`scorecard.present` only
words and shapes them."""

from __future__ import annotations

import pandas as pd

from scorecard import register
from scorecard.evaluation import evaluate, forecast, year_end
from scorecard.evaluation.judgements import polarity
from scorecard.evaluation.judgements.arrays import where
from scorecard.store import periods


def scorecard(ctx: register.Context, period: str | None = None, group: str | None = None) -> pd.DataFrame:
    """The context's council's evaluated scorecard (:func:`scorecard.evaluation.evaluate.evaluate`) with, per
    measure: the RAG of the previous release of a red figure (persistent red,
    :func:`~scorecard.evaluation.evaluate.previous_release`), whether the figure is new this quarter
    (:func:`~scorecard.evaluation.evaluate.new_figures`), the exceptions
    (:func:`~scorecard.evaluation.evaluate.exceptions_of`), and the year-end forecast
    (:func:`scorecard.evaluation.year_end.forecasts`) with its status against the year's fixed target and the
    RAG it projects. A forecast of an illustrative series gets no status."""
    reg = ctx.reg
    frame = evaluate.evaluate(ctx, period, group, areas=[ctx.area])
    report = periods.parse_label(frame["report_period"].iloc[0])
    frame = frame.merge(evaluate.previous_release(ctx, frame), on="measure_id", how="left")
    frame["new_figure"] = evaluate.new_figures(ctx, frame)
    frame[evaluate.EXCEPTION_COLUMNS] = evaluate.exceptions_of(
        frame, reg, previous_rag=frame["previous_rag"], new_figure=frame["new_figure"]
    )
    frame = frame.merge(year_end.forecasts(ctx, report.label), on="measure_id", how="left")
    good = polarity.good_sign(frame["polarity"])
    annual = frame["target"].where(frame["target_basis"] == "fixed")  # a year's own target, not a benchmark
    judged = ~frame["forecast_illustrative"].fillna(False).astype(bool)  # no status on made-up figures
    frame["forecast_status"] = where(
        judged, forecast.status(frame["forecast_band_lower"], frame["forecast_band_upper"], annual, good)
    )
    frame["forecast_rag"] = forecast.projected_rag(
        frame["forecast_value"], annual, frame["target_tolerance"], good, frame["info_type"]
    )
    return frame
