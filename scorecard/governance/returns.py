"""What each quarter still owes (#26 item 3): every measure's and priority action's workflow state
(:mod:`scorecard.governance.workflow`),
the step it waits for, who takes it and when it is due (:mod:`scorecard.register.calendar`) — the chase list the
Business Intelligence team and the directors work from, by directorate and owner post."""

from __future__ import annotations

from datetime import date

import pandas as pd

from scorecard import register
from scorecard.governance import workflow
from scorecard.register import calendar
from scorecard.register.definitions import TO_BE_CONFIRMED

NEXT = {"awaiting": "submit", "submitted": "check", "checked": "sign_off"}
"""The step an item in each state waits for (a signed-off one waits for none)."""
COLUMNS = ["item_kind", "item_id", "title", "directorate", "owner", "state", "next_step", "taken_by", "due"]
COLUMNS.append("days_overdue")


def _directorate(reg: register.Register, theme_id: str) -> str:
    ident = reg.theme(theme_id).directorate
    return TO_BE_CONFIRMED if ident == TO_BE_CONFIRMED else reg.directorate(ident).title


def status(ctx: register.Context, period: str, as_of: date) -> pd.DataFrame:
    """Every measure, then every priority action, for the quarter (:data:`COLUMNS`): its state, the step it waits
    for, the duty that takes it, the step's due date and how many days overdue it is on ``as_of`` (0 when not yet
    due; none when signed off). A priority action's owner is its theme's lead post. Overdue first, most overdue
    first, then by directorate, owner and item."""
    reg = ctx.reg
    dates = calendar.quarter(reg, period)
    items = [("measure", m.id, m.title, m.themes[0], m.metric_responsibility) for m in reg.measures]
    items += [("action", a.id, a.title, a.theme, reg.theme(a.theme).responsibility) for a in reg.priority_actions]
    rows = []
    for kind in workflow.KINDS:
        held = workflow.states(period, ctx.folder, kind)
        state = dict(zip(held["item_id"], held["state"]))
        for item_kind, ident, title, theme, owner in items:
            if item_kind != kind:
                continue
            now = state.get(ident, workflow.STATES[0])
            step = NEXT.get(now)
            due = dates.due(step) if step else None
            late = max((as_of - due).days, 0) if due else None
            taken_by = (workflow.STEPS[step][1] if step else "").replace("_", " ")
            where = (_directorate(reg, theme), owner or TO_BE_CONFIRMED)
            rows.append((kind, ident, title, *where, now, step, taken_by, due, late))
    frame = pd.DataFrame(rows, columns=COLUMNS).astype({"days_overdue": "Int64"})
    return frame.sort_values(
        ["days_overdue", "directorate", "owner", "item_kind", "item_id"],
        ascending=[False, True, True, False, True],
        kind="stable",
    ).reset_index(drop=True)


def outstanding(status_frame: pd.DataFrame) -> pd.DataFrame:
    """The chase list: the measures still waiting for a step."""
    return status_frame[status_frame["next_step"].notna()].reset_index(drop=True)
