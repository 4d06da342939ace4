"""Risks beside the measures and priority actions they threaten: each risk as last reviewed up to a quarter
(:func:`scorecard.store.ledger.as_at`), scored and banded by :mod:`scorecard.evaluation.judgements.risk` under
the register's ``risk_policy``, worded once for the pages and the packs. There is no public risk register: a
risk made up for demonstration is marked illustrative wherever it is shown.
"""

from __future__ import annotations

import pandas as pd

from scorecard.evaluation.judgements import risk
from scorecard.present import wording
from scorecard.register import Register
from scorecard.store import frames

COLUMNS = ["risk_id", "title", "owner_role", "period", "score", "band", "text", "measures", "actions"]
COLUMNS += ["mitigation", "reference", "illustrative"]
TABLE_COLUMNS = ["Risk", "What might happen", "Score", "Owner (post)", "Measures", "Priority actions", "Mitigation"]
TABLE_COLUMNS += ["Reviewed", "Notes"]


def _ids(value) -> list[str]:
    return [i for i in str(value or "").split("; ") if i]


def held(reg: Register, rows: pd.DataFrame) -> pd.DataFrame:
    """One row per risk (``rows``: each risk's latest review), highest score first: the score recomputed as
    likelihood × impact, its band, the band in words, and the linked measure and action ids as lists."""
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    policy = reg.risk_policy
    scores = risk.score(rows["likelihood"], rows["impact"])
    bands = risk.band(scores, policy.high, policy.medium)
    out = pd.DataFrame(
        {
            "risk_id": rows["risk_id"].to_numpy(),
            "title": rows["title"].to_numpy(),
            "owner_role": rows["owner_role"].to_numpy(),
            "period": rows["period"].to_numpy(),
            "score": scores,
            "band": bands,
            "text": [
                wording.risk_text(b, s, li, im)
                for b, s, li, im in zip(bands, scores, rows["likelihood"], rows["impact"])
            ],
            "measures": [_ids(v) for v in rows["measures"]],
            "actions": [_ids(v) for v in rows["actions"]],
            "mitigation": rows["mitigation"].fillna("").to_numpy(),
            "reference": rows["reference"].fillna("").to_numpy(),
            "illustrative": rows["illustrative"].fillna(False).astype(bool).to_numpy(),
        }
    )
    return out.sort_values(["score", "risk_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def is_linked(risk: dict, measures=(), actions=()) -> bool:
    """Whether a risk (a row of :func:`held`) is linked to any of the ``measures`` or priority ``actions``."""
    return bool(set(measures) & set(risk["measures"]) or set(actions) & set(risk["actions"]))


def linked(frame: pd.DataFrame, measures=(), actions=()) -> pd.DataFrame:
    """The risks linked to any of the ``measures`` or priority ``actions`` (ids)."""
    if frame.empty:
        return frame
    keep = [is_linked(risk, measures, actions) for risk in frames.records(frame[["measures", "actions"]])]
    return frame[keep].reset_index(drop=True)


def line(row: dict) -> str:
    """``⚠ ILLUS-01 · ●●● High risk (score 20: …) — title (illustrative)``: one risk in one line."""
    mark = " (illustrative)" if row["illustrative"] else ""
    return f"⚠ {row['risk_id']} · {row['text']} — {row['title']}{mark}"


def table(frame: pd.DataFrame, reg: Register) -> pd.DataFrame:
    """The risks as people read them (and download them)."""
    records = frames.records(frame)
    measures, actions = {m.id: m.title for m in reg.measures}, {a.id: a.title for a in reg.priority_actions}
    return pd.DataFrame(
        {
            "Risk": [r["risk_id"] for r in records],
            "What might happen": [r["title"] for r in records],
            "Score": [r["text"] for r in records],
            "Owner (post)": [r["owner_role"] for r in records],
            # a link to a measure or action the register no longer holds is named by its id
            "Measures": ["; ".join(measures.get(m, m) for m in r["measures"]) for r in records],
            "Priority actions": ["; ".join(actions.get(a, a) for a in r["actions"]) for r in records],
            "Mitigation": [r["mitigation"] for r in records],
            "Reviewed": [r["period"] for r in records],
            "Notes": ["Illustrative" if r["illustrative"] else "" for r in records],
        },
        columns=TABLE_COLUMNS,
    )
