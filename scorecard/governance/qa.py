"""BI's quality-assurance checklist for a measure's quarterly return (#26 item 2): what the Business Intelligence
team looks at before it records the *check* step, beside the validation every return already passed on load
(:mod:`scorecard.ingest.validate`).

===========  =================================================================================================
check        needs attention when
===========  =================================================================================================
plausible    the figure lies outside the measure's plausible range (the register's ``plausible:`` or its unit's)
revision     the figure replaced an earlier one for the same period by more than :data:`REVISION_SHARE` of it
denominator  a numerator was returned without its denominator (no rate or interval can be checked)
stale        the latest figure is older than the measure's ``stale_after_months`` at the quarter's end
===========  =================================================================================================

The checklist informs BI; it does not refuse the check. The checks needing attention are recorded with the step
(:func:`scorecard.governance.workflow.take`).
"""

from __future__ import annotations

import pandas as pd

from scorecard import register
from scorecard.ingest import load, validate
from scorecard.present import views
from scorecard.register.definitions import Measure

REVISION_SHARE = 0.10
"""A revision larger than this share of the value it replaced needs attention."""
PASS, ATTENTION, NOT_APPLICABLE = "pass", "attention", "n/a"
COLUMNS = ["check", "result", "detail"]
CHECKS = ("plausible", "revision", "denominator", "stale")


def _revision(row: dict, history: pd.DataFrame) -> tuple[str, str]:
    earlier = history[(history["area_code"] == row["area_code"]) & (history["period_label"] == row["period_label"])]
    if earlier.empty:
        return PASS, "as first loaded: no revision"
    old, new = float(earlier["value"].iloc[0]), float(row["value"])  # history is newest first
    share = abs(new - old) / abs(old) if old else float("inf")
    said = f"revised from {old:g} to {new:g}" + (f" ({share:+.0%} of it)" if old else "")
    return (ATTENTION if share > REVISION_SHARE else PASS), said


def checklist(ctx: register.Context, measure_id: str, period: str, card: pd.DataFrame | None = None) -> pd.DataFrame:
    """The checklist (:data:`COLUMNS`) for the measure's figure as the quarter's scorecard (``card``, evaluated
    here when not given) shows it."""
    card = views.scorecard(ctx, period) if card is None else card
    row = card.set_index("measure_id").loc[measure_id].to_dict()
    return judged(row, ctx.reg.measure(measure_id), load.history(ctx.folder, measure_id))


def judged(row: dict, measure: Measure, history: pd.DataFrame) -> pd.DataFrame:
    """The checklist of one scorecard ``row`` of ``measure``, given the figures revisions replaced (``history``,
    newest first)."""
    if pd.isna(row["value"]):
        none = [
            (check, NOT_APPLICABLE, "no figure for the quarter") for check in ("plausible", "revision", "denominator")
        ]
        return pd.DataFrame([*none, _stale(row)], columns=COLUMNS)
    why = validate.implausible(measure, float(row["value"]))
    low, high = measure.plausible_range
    rows = [
        ("plausible", ATTENTION, why) if why else ("plausible", PASS, f"{row['value']:g} is within {low:g}–{high:g}")
    ]
    rows.append(("revision", *_revision(row, history)))
    if pd.notna(row["numerator"]) and pd.isna(row["denominator"]):
        rows.append(("denominator", ATTENTION, f"numerator {row['numerator']:g} returned without its denominator"))
    elif pd.isna(row["numerator"]):
        rows.append(("denominator", NOT_APPLICABLE, "no counts returned: the figure alone"))
    else:
        rows.append(("denominator", PASS, f"{row['numerator']:g} of {row['denominator']:g}"))
    rows.append(_stale(row))
    return pd.DataFrame(rows, columns=COLUMNS)


def _stale(row: dict) -> tuple[str, str, str]:
    label = row["period_label"] if pd.notna(row["period_label"]) else "none held"
    if "stale" in list(row["exception_reasons"]):
        return "stale", ATTENTION, f"latest figure {label}: older than {int(row['stale_after_months'])} months"
    return "stale", PASS, f"latest figure {label}"


def needing_attention(checks: pd.DataFrame) -> list[str]:
    """The checks that need attention, each with why (what the check step records)."""
    return [f"{r.check}: {r.detail}" for r in checks.itertuples() if r.result == ATTENTION]
