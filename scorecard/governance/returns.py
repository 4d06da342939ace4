"""What each quarter still owes (#26 item 3): every measure's workflow state (:mod:`scorecard.governance.workflow`),
the step it waits for, who takes it and when it is due (:mod:`scorecard.register.calendar`) — the chase list the
Business Intelligence team and the directors work from, by directorate and owner post."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from scorecard import register
from scorecard.governance import workflow
from scorecard.register import calendar
from scorecard.register.definitions import TO_BE_CONFIRMED

NEXT = {"awaiting": "submit", "submitted": "check", "checked": "sign_off"}
"""The step a measure in each state waits for (a signed-off measure waits for none)."""
COLUMNS = ["measure_id", "title", "directorate", "owner", "state", "next_step", "taken_by", "due", "days_overdue"]


def _directorate(reg: register.Register, theme_id: str) -> str:
    ident = reg.theme(theme_id).directorate
    return TO_BE_CONFIRMED if ident == TO_BE_CONFIRMED else reg.directorate(ident).title


def status(
    period: str, as_of: date, data_dir: str | Path | None = None, reg: register.Register | None = None
) -> pd.DataFrame:
    """Every measure for the quarter (:data:`COLUMNS`): its state, the step it waits for, the duty that takes it,
    the step's due date and how many days overdue it is on ``as_of`` (0 when not yet due; none when signed off).
    Overdue first, most overdue first, then by directorate, owner and measure."""
    reg = reg or register.load()
    dates = calendar.quarter(reg, period)
    held = workflow.states(period, data_dir)
    state = dict(zip(held["measure_id"], held["state"])) if len(held) else {}
    rows = []
    for m in reg.measures:
        now = state.get(m.id, workflow.STATES[0])
        step = NEXT.get(now)
        due = dates.due(step) if step else None
        late = max((as_of - due).days, 0) if due else None
        taken_by = (workflow.STEPS[step][1] if step else "").replace("_", " ")
        rows.append(
            (m.id, m.title, _directorate(reg, m.themes[0]), m.metric_responsibility or TO_BE_CONFIRMED, now, step)
            + (taken_by, due, late)
        )
    frame = pd.DataFrame(rows, columns=COLUMNS).astype({"days_overdue": "Int64"})
    return frame.sort_values(
        ["days_overdue", "directorate", "owner", "measure_id"], ascending=[False, True, True, True], kind="stable"
    ).reset_index(drop=True)


def outstanding(status_frame: pd.DataFrame) -> pd.DataFrame:
    """The chase list: the measures still waiting for a step."""
    return status_frame[status_frame["next_step"].notna()].reset_index(drop=True)
