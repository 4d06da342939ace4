"""Annual actions: the Corporate Plan's priority actions with their update for a reporting quarter —
narrative, % complete and status in the council's key (word + symbol, never colour alone)."""

from __future__ import annotations

import pandas as pd

from scorecard.present import commentary, wording
from scorecard.register import Register
from scorecard.store import frames

STATUS_ORDER = ("RED", "AMBER", "GREEN", "BLUE", "NEW", "no_update")


def for_quarter(reg: Register, updates: pd.DataFrame, theme: str | None = None) -> pd.DataFrame:
    """One row per priority action (of ``theme``, or all) in the plan's order, with the quarter's update
    (``updates``: one row per action, as :mod:`scorecard.governance.conversation` gives them); an action
    with none has status ``no_update``."""
    by_action = {r["action_id"]: r for r in frames.records(updates)}
    rows = []
    for action in reg.priority_actions:
        if theme and action.theme != theme:
            continue
        update = by_action.get(action.id, {})
        rows.append(
            {
                "action_id": action.id,
                "theme": action.theme,
                "theme_title": reg.theme(action.theme).title,
                "title": action.title,
                "plan_reference": f"Corporate Plan 2024–27, {reg.theme(action.theme).title}: priority action",
                "status": update.get("status") or "no_update",
                "percent_complete": update.get("percent_complete"),
                "narrative": update.get("narrative") or "",
                "author": update.get("author") or "",
                "written_at": update.get("written_at") or "",
                "version": update.get("version"),
                "illustrative": bool(update.get("illustrative", False)),
                "updated_since_publication": bool(update.get("updated_since_publication", False)),
            }
        )
    return pd.DataFrame(rows)


def status_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Status code → how many actions, every code of :data:`STATUS_ORDER`."""
    counts = frame["status"].value_counts() if len(frame) else pd.Series(dtype=int)
    return {code: int(counts.get(code, 0)) for code in STATUS_ORDER}


def table(frame: pd.DataFrame) -> pd.DataFrame:
    """The actions as a table people read (and download): status as symbol + word, % complete as text."""
    records = frames.records(frame)
    return pd.DataFrame(
        {
            "Theme": frame["theme_title"] if len(frame) else [],
            "Priority action": frame["title"] if len(frame) else [],
            "Status": [wording.action_status_text(r["status"]) for r in records],
            "Progress": [wording.percent_text(r["percent_complete"]) for r in records],
            "Update": [r["narrative"] for r in records],
            "Written": [commentary.written_line(r) for r in records],
            "Notes": [", ".join(commentary.marks(r)) for r in records],
        }
    )
