"""What a publication withholds: nothing made up for demonstration reaches members or the public.

A snapshot (:mod:`scorecard.governance.publish`) freezes real figures and real text only. Where the current
data holds an illustrative figure, the card keeps the measure's definition but no number and no judgement
of it: RAG and status :data:`~scorecard.evaluation.judgements.rag.AWAITING` ("awaiting the service's
return"). Where only the target is illustrative, the real figure and its direction stand, without the
made-up target or anything judged against it (RAG, persistent red, the forecast's status). Exceptions and
the summary are then worked out again from what is left, by the same rules as the live card. Illustrative
rows of the trend, the comparator bars and the conversation (commentary, action updates, targets, risks)
are dropped: an action without its update reads "awaiting the service's return". Staff keep seeing the
demo content, badged, on the live data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scorecard import register
from scorecard.evaluation import evaluate
from scorecard.evaluation.judgements.arrays import flags
from scorecard.evaluation.judgements.rag import AWAITING
from scorecard.present import wording
from scorecard.store import frames

KEPT = [
    "snapshot_group",
    "area_code",
    "area_name",
    "benchmark_group_name",
    "benchmark_group",
    "report_period",
    "report_end",
]
"""Card columns a withheld figure keeps, besides the register's (what the measure is, never what it was)."""
TARGET_JUDGED = [
    "target",
    "target_tolerance",
    "target_rationale",
    "target_illustrative",
    "previous_rag",
    "previous_rag_period",
    "forecast_status",
    "forecast_rag",
]
"""Card columns that exist only because of a target: withheld with an illustrative target."""


def _illustrative(frame: pd.DataFrame, column: str) -> np.ndarray:
    return flags(frame[column]) if column in frame else np.zeros(len(frame), dtype=bool)


def card(card: pd.DataFrame, reg: register.Register) -> pd.DataFrame:
    """The card as members and the public may read it (see the module docstring)."""
    out = card.copy()
    figure = (out["status"] == "illustrative").to_numpy()
    target = _illustrative(out, "target_illustrative") & ~figure
    kept = {*KEPT, *evaluate.measures_frame(reg).columns}
    for column in out.columns.difference(list(kept)):
        out[column] = out[column].mask(figure)
    for column in TARGET_JUDGED:
        out[column] = out[column].mask(target)
    out.loc[figure, ["rag", "status"]] = AWAITING
    out.loc[target, "rag"] = AWAITING
    out[evaluate.EXCEPTION_COLUMNS] = evaluate.exceptions_of(
        out.assign(deteriorated=out["deteriorated"].fillna(False).astype(bool)),
        reg,
        previous_rag=out["previous_rag"],
        new_figure=out["new_figure"].fillna(True).astype(bool),
    )
    out["exception_reasons"] = out["exception_reasons"].map(lambda r: [str(x) for x in r])
    out["summary"] = [wording.summary(row) for row in frames.records(out)]
    return out


def rows(frame: pd.DataFrame) -> pd.DataFrame:
    """A frozen table (trend, comparator bars, conversation) without its illustrative rows: those whose
    ``status`` is illustrative, or that are flagged ``illustrative``."""
    status = frame["status"] if "status" in frame else pd.Series(None, index=frame.index, dtype=object)
    made_up = (status == "illustrative").to_numpy() | _illustrative(frame, "illustrative")
    return frame[~made_up].reset_index(drop=True)
