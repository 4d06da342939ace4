"""The financial position beside performance: the revenue budget monitoring return in force at a reporting
quarter (:func:`scorecard.store.ledger.as_at`), one row per budget service line of the register, each with its
budget, forecast outturn, variance and position (:mod:`scorecard.evaluation.judgements.budget`) in words —
an overspend is "adverse", never colour alone — and the line of the published report it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scorecard.evaluation.judgements import budget
from scorecard.present import wording
from scorecard.register import Register
from scorecard.store import frames, periods

NOTE = "Figures in £ million. A positive variance is a forecast overspend: adverse."
TABLE_COLUMNS = ["Service line", "Budget", "Forecast outturn", "Variance", "Position", "Commentary", "Source"]


@dataclass
class Position:
    """The financial position reported at a quarter: ``lines`` one row per service line shown (codes and £m)."""

    quarter: str
    period: str
    lines: pd.DataFrame
    asked: int

    @property
    def held(self) -> bool:
        """True when a budget monitoring return is held for the quarter or before."""
        return bool(self.period)

    @property
    def illustrative(self) -> bool:
        return bool(len(self.lines) and self.lines["illustrative"].fillna(False).astype(bool).any())

    def totals(self) -> dict[str, float]:
        """Budget, forecast outturn and variance (£m) summed over the lines shown."""
        return {c: float(self.lines[c].sum()) for c in ("budget", "forecast_outturn", "variance")}

    def sentence(self) -> str:
        """One sentence: the net position of the lines shown, the adverse lines, and when it was forecast."""
        if not self.asked:
            return "No budget service line is recorded as this report's in the register (to be confirmed)."
        if not self.held:
            return f"No revenue budget monitoring return is held for {self.quarter} or before."
        if self.lines.empty:
            return f"None of these service lines is in the budget monitoring return of {self.period}."
        total = self.totals()["variance"]
        code = str(budget.position(total)[0])
        adverse = self.lines[self.lines["position"] == "overspend"]
        text = (
            f"Forecast outturn as at {self.period}: {wording.money_text(self.totals()['forecast_outturn'])} against "
            f"a budget of {wording.money_text(self.totals()['budget'])}, a variance of "
            f"{wording.money_text(total, signed=True)} ({wording.budget_text(code)})."
        )
        if len(adverse):
            text += " Adverse: " + "; ".join(
                f"{r['title']} {wording.money_text(r['variance'], signed=True)}" for r in frames.records(adverse)
            )
            text += "."
        if self.stale:
            text += (
                f" This is the latest return held: it forecasts {periods.financial_year(self._fy(self.period)).label},"
                f" not {periods.financial_year(self._fy(self.quarter)).label}."
            )
        return text

    @staticmethod
    def _fy(label: str) -> int:
        return periods.parse_label(label).seq // 4

    @property
    def stale(self) -> bool:
        """The return held forecasts an earlier financial year than the reporting quarter's."""
        return self.held and self._fy(self.period) != self._fy(self.quarter)

    def sources(self) -> list[str]:
        """Where the figures were published (each distinct reference once)."""
        refs = self.lines["reference"].fillna("") if len(self.lines) else pd.Series(dtype=str)
        return list(dict.fromkeys(r for r in refs if r))

    def table(self) -> pd.DataFrame:
        """The lines as people read them (and download them): £m figures and the position in words."""
        records = frames.records(self.lines)
        return pd.DataFrame(
            {
                "Service line": [r["title"] for r in records],
                "Budget": [wording.money_text(r["budget"]) for r in records],
                "Forecast outturn": [wording.money_text(r["forecast_outturn"]) for r in records],
                "Variance": [wording.money_text(r["variance"], signed=True) for r in records],
                "Position": [wording.budget_text(r["position"]) for r in records],
                "Commentary": [r["commentary"] or "" for r in records],
                "Source": [r["reference"] + (" (illustrative)" if r["illustrative"] else "") for r in records],
            },
            columns=TABLE_COLUMNS,
        )

    def total_row(self) -> list[str]:
        """The table's total row (same columns as :meth:`table`)."""
        t = self.totals()
        code = str(budget.position(t["variance"])[0])
        return [
            "Total of these service lines",
            wording.money_text(t["budget"]),
            wording.money_text(t["forecast_outturn"]),
            wording.money_text(t["variance"], signed=True),
            wording.budget_text(code),
            "",
            "",
        ]


def position(reg: Register, held: pd.DataFrame, quarter: str, lines: list[str] | None = None) -> Position:
    """The financial position at ``quarter`` from ``held`` (the return in force: one row per service line, as
    :func:`scorecard.store.ledger.as_at` gives it), limited to the service line ids ``lines`` (default all), in
    the register's order; the variance is recomputed from budget and forecast, never taken on trust."""
    wanted = [s for s in reg.service_lines if lines is None or s.id in lines]
    by_line = held.set_index("service_line") if len(held) else pd.DataFrame()
    rows = []
    for line in wanted:
        if line.id not in by_line.index:
            continue
        r = by_line.loc[line.id]
        rows.append(
            {
                "service_line": line.id,
                "title": line.title,
                "period": r["period"],
                "budget": float(r["budget"]),
                "forecast_outturn": float(r["forecast_outturn"]),
                "commentary": r["commentary"] if isinstance(r["commentary"], str) else "",
                "reference": r["reference"] if isinstance(r["reference"], str) else "",
                "illustrative": bool(r["illustrative"]) if pd.notna(r["illustrative"]) else False,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["service_line", "title", "period", "budget", "forecast_outturn", "commentary", "reference"]
        + ["illustrative"],
    )
    frame["variance"] = budget.variance(frame["budget"], frame["forecast_outturn"]).round(6)
    frame["position"] = budget.position(frame["variance"])
    period = str(held["period"].iloc[0]) if len(held) else ""
    return Position(quarter=quarter, period=period, lines=frame, asked=len(wanted))
