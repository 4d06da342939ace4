"""The CPOR front sheet: the quarter's story in words, for a Cabinet member with ten minutes before the meeting.

DESIGN.md §2 (Cabinet) and the framework's "Exception reporting to Cabinet" (seed 001): what is going well,
what is going badly and what is being done, drafted from the judgements already made — never new ones:

* counts that lead with **real** figures; illustrative figures (made up for demonstration) and figures
  withheld from a publication (awaiting the service's return) are counted apart, never mixed in;
* the three biggest concerns (*for decision*, real first, most severe first) and the three best results
  (*going well* — exceeding target — then green and improving; real first, by how far the target is beaten);
* the annual actions and the financial position in one line each, with their period and whether current.

The app's overview and the first pages of every pack lay out the same :class:`FrontSheet`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scorecard.evaluation.judgements import budget, polarity, rag
from scorecard.present import actions, views, wording
from scorecard.present.finance import Position
from scorecard.store import frames

SHOWN = 3
"""How many concerns and best results the front sheet names."""
GREEN_IMPROVING = "Meeting its target and improving"


@dataclass
class FrontSheet:
    """One quarter's front sheet: ``real`` and ``illustrative`` are :func:`counts` of each kind of figure;
    ``concerns`` and ``best`` card records (at most :data:`SHOWN`), each with a ``why`` line."""

    period: str
    measures: int
    real: dict[str, int]
    illustrative: dict[str, int]
    awaiting: int
    going_well: str
    going_badly: str
    being_done: str
    actions: str
    finance: str
    concerns: list[dict] = field(default_factory=list)
    best: list[dict] = field(default_factory=list)
    written: str = ""
    """Who wrote the key messages and when; empty when they are the auto-draft."""

    @property
    def written_line(self) -> str:
        return self.written or "Auto-drafted by the scorecard from the quarter's judgements."

    def headline(self) -> str:
        """The counts in one sentence, real figures first."""
        r = self.real
        text = (
            f"{r['measures']} of the {self.measures} measures have real figures: {r['green']} green, {r['amber']} "
            f"amber and {r['red']} red against target ({r['unrated']} not rated); {r['improving']} improving and "
            f"{r['worsening']} worsening."
        )
        if self.illustrative["measures"]:
            i = self.illustrative
            text += (
                f" {i['measures']} show illustrative figures made up for demonstration "
                f"({i['green']} green, {i['amber']} amber, {i['red']} red): not counted above."
            )
        if self.awaiting:
            text += f" {self.awaiting} are awaiting the service's return."
        return text


def _real(card: pd.DataFrame) -> pd.Series:
    return ~card["status"].isin(["illustrative", rag.AWAITING])


def counts(part: pd.DataFrame) -> dict[str, int]:
    """Measures, RAG (rated and not), direction of travel (:func:`scorecard.present.views.headline_counts`) and
    tiers of a slice of the card."""
    heads, tiers = views.headline_counts(part), part["exception_tier"].value_counts()
    rated = {code: heads[f"rag_{code}"] for code in rag.RATED}
    return {
        "measures": heads["measures"],
        **rated,
        "unrated": heads["measures"] - sum(rated.values()),
        "improving": heads["improving"],
        "worsening": heads["worsening"],
        **{tier: int(tiers.get(tier, 0)) for tier in ("for_decision", "watch", "going_well")},
    }


def _beaten_by(card: pd.DataFrame) -> np.ndarray:
    """How far each figure beats its target, as a share of the target (NaN where not rated)."""
    gap = rag.margin(card["value"], card["target"], polarity.good_sign(card["polarity"]))
    scale = np.abs(pd.to_numeric(card["target"], errors="coerce").to_numpy(dtype=float))
    return np.divide(gap, scale, out=np.full(len(card), np.nan), where=scale > 0)


def concerns(card: pd.DataFrame) -> pd.DataFrame:
    """The measures *for decision*, real figures first, then most severe, then in register order."""
    ranked = card.assign(_real=_real(card), _order=np.arange(len(card)))
    ordered = ranked[ranked["exception_tier"] == "for_decision"].sort_values(
        ["_real", "exception_severity", "_order"], ascending=[False, True, True]
    )
    return ordered.drop(columns=["_real", "_order"])


def best(card: pd.DataFrame) -> pd.DataFrame:
    """The best results: exceeding target, then green and improving; real figures first, then by how far the
    target is beaten."""
    going = card["exception_tier"].eq("going_well")
    green_improving = card["rag"].eq("green") & card["direction"].eq("improving")
    ranked = card.assign(_real=_real(card), _going=going, _beaten=np.nan_to_num(_beaten_by(card), nan=-np.inf))
    ordered = ranked[going | green_improving].sort_values(
        ["_real", "_going", "_beaten"], ascending=False, kind="stable"
    )
    return ordered.drop(columns=["_real", "_going", "_beaten"])


def _names(rows: pd.DataFrame) -> str:
    titles = [str(t) for t in rows["title"].head(SHOWN)]
    return ", ".join(titles) + (f" and {len(rows) - SHOWN} more" if len(rows) > SHOWN else "")


def _going_well(real: pd.DataFrame) -> str:
    shown = best(real)
    if shown.empty:
        return "No measure with a real figure is exceeding its target or green and improving this quarter."
    exceeding = int(real["exception_tier"].eq("going_well").sum())
    return (
        f"{exceeding} measure{'s' if exceeding != 1 else ''} with real figures exceed{'s' if exceeding == 1 else ''} "
        f"target and {int(real['direction'].eq('improving').sum())} are improving. Best results: {_names(shown)}."
    )


def _going_badly(real: pd.DataFrame, decision: pd.DataFrame) -> str:
    if decision.empty:
        return "No measure with a real figure needs a decision this quarter."
    red = int(decision["rag"].eq("red").sum())
    persistent = int(decision["exception_reasons"].map(lambda r: "persistent_red" in r).sum())
    worse = int(decision["exception_reasons"].map(lambda r: "material_deterioration" in r).sum())
    return (
        f"{len(decision)} measure{'s' if len(decision) != 1 else ''} with real figures "
        f"need{'s' if len(decision) == 1 else ''} a decision: {red} red against target "
        f"({persistent} in two reports running){f' and {worse} materially worse than last time' if worse else ''}. "
        f"{_names(decision)}. {int(real['exception_tier'].eq('watch').sum())} more to watch."
    )


def _being_done(decision: pd.DataFrame) -> str:
    if decision.empty:
        return "No corrective action is needed on real figures this quarter."
    written = decision["corrective_action"] if "corrective_action" in decision else pd.Series("", decision.index)
    acted = written.fillna("").astype(str).str.strip().ne("")
    text = f"Corrective action is recorded for {int(acted.sum())} of the {len(decision)} measures for decision."
    if (~acted).any():
        text += f" {wording.NO_ACTION}: {_names(decision[~acted])}."
    return text


def actions_line(updates: pd.DataFrame, period: str) -> str:
    """The priority actions in one line, in the council's key, with the quarter they report."""
    status = actions.status_counts(updates)
    shown = [f"{n} {wording.ACTION_STATUS[code][2].lower()}" for code, n in status.items() if n]
    made_up = bool(len(updates) and updates["illustrative"].any())
    return (
        f"Annual actions ({period}): {len(updates)} priority actions — "
        + "; ".join(shown)
        + "."
        + (" The updates are illustrative (made up for demonstration)." if made_up else "")
    )


def finance_line(position: Position) -> str:
    """The financial position in one line, with its period and whether it is current."""
    if not position.held or position.lines.empty:
        return f"Finance: no revenue budget monitoring return is held for {position.quarter}."
    t = position.totals()
    code = str(budget.position(t["variance"])[0])
    text = (
        f"Finance (budget monitoring as at {position.period}): forecast outturn "
        f"{wording.money_text(t['forecast_outturn'])} against a budget of {wording.money_text(t['budget'])}, "
        f"{wording.money_text(t['variance'], signed=True)} ({wording.budget_text(code)})."
    )
    if position.stale:
        text += f" Out of date: the latest return held is for {position.period}, not {position.quarter}."
    return text


def build(
    card: pd.DataFrame, updates: pd.DataFrame, position: Position, period: str, written: dict | None = None
) -> FrontSheet:
    """The front sheet of ``card`` (the scorecard people may see, with its commentary attached: corrective
    action counts as "being done"), the quarter's action ``updates`` and financial ``position``; the key
    messages are the auto-draft unless BI has ``written`` them (a key-messages version: going_well,
    going_badly, being_done, author, written_at)."""
    real, made_up = _real(card), card["status"].eq("illustrative")
    real_part = card[real]  # the key messages speak of real figures only
    decision = concerns(real_part)
    drafted = {
        "going_well": _going_well(real_part),
        "going_badly": _going_badly(real_part, decision),
        "being_done": _being_done(decision),
    }
    said = {k: written[k] for k in drafted} if written else drafted

    def with_why(rows: pd.DataFrame) -> list[dict]:
        return [
            r | {"why": views.why(r["exception_reasons"]) if len(r["exception_reasons"]) else GREEN_IMPROVING}
            for r in frames.records(rows.head(SHOWN))
        ]

    return FrontSheet(
        period=period,
        measures=len(card),
        real=counts(real_part),
        illustrative=counts(card[made_up]),
        awaiting=int(card["status"].eq(rag.AWAITING).sum()),
        going_well=said["going_well"],
        going_badly=said["going_badly"],
        being_done=said["being_done"],
        actions=actions_line(updates, period),
        finance=finance_line(position),
        concerns=with_why(concerns(card)),
        best=with_why(best(card)),
        written=f"Written by {written['author']} on {str(written['written_at'])[:10]}." if written else "",
    )
