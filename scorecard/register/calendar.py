"""The quarterly calendar (#26 item 3): when each quarter's returns, BI's quality assurance and the Assistant
Director's sign-off are due, and the month it goes to Cabinet — the months from the framework's strategic
planning cycle (seed 001 ~1772: Quarter 4 in April, Quarter 1 in July, Quarter 2 in October, Quarter 3 in
January; targets confirmed in February; the previous year's outturn in June), the days from the register's
``cycle`` block."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from scorecard.register import releases
from scorecard.register.definitions import Register
from scorecard.store import periods

STEP_DUE = {"submit": "returns_due", "check": "qa_due", "sign_off": "sign_off_due"}
"""Which date of a quarter's :class:`Quarter` each workflow step is due by."""
TARGETS_MONTH, OUTTURN_MONTH = 2, 6
"""The strategic planning cycle's months for confirming the next year's targets (February) and reporting the
previous year's outturn (June)."""


@dataclass(frozen=True)
class Quarter:
    """One reporting quarter's dates."""

    period: str
    ends: date
    returns_due: date
    qa_due: date
    sign_off_due: date
    cabinet_month: date  # the first day of the month the CPOR goes to Cabinet

    def due(self, step: str) -> date:
        """The date a workflow step (``submit``, ``check``, ``sign_off``) is due by."""
        return getattr(self, STEP_DUE[step])


def quarter(reg: Register, period: str) -> Quarter:
    """The dates of the reporting quarter ``period`` (e.g. ``2025/26 Q4``)."""
    found = periods.parse_label(period)
    if found.kind != "quarter":
        raise ValueError(f"{period!r} is not a reporting quarter: write it as '2025/26 Q4'")
    cycle = reg.cycle
    returns = found.end + timedelta(days=cycle.returns_due_days)
    qa = returns + timedelta(days=cycle.qa_days)
    return Quarter(
        found.label, found.end, returns, qa, qa + timedelta(days=cycle.sign_off_days), releases.report_month(found)
    )


def year(reg: Register, financial_year: str) -> list[tuple[date, str]]:
    """The financial year's calendar, in date order: each quarter's return, QA and sign-off dates and its
    Cabinet month, the month the next year's targets are confirmed, and the previous year's outturn report."""
    fy = periods.parse_label(financial_year)
    if fy.kind != "financial_year":
        raise ValueError(f"{financial_year!r} is not a financial year: write it as '2025/26'")
    events = [
        (date(fy.start.year + 1, TARGETS_MONTH, 1), f"{periods.financial_year(fy.seq + 1).label} targets confirmed"),
        (date(fy.start.year, OUTTURN_MONTH, 1), f"{periods.financial_year(fy.seq - 1).label} outturn report"),
    ]
    for number in range(1, 5):
        q = quarter(reg, f"{fy.label} Q{number}")
        events += [
            (q.returns_due, f"{q.period}: returns due (figures and narrative, data owners)"),
            (q.qa_due, f"{q.period}: quality assurance due (Business Intelligence)"),
            (q.sign_off_due, f"{q.period}: sign-off due (Assistant Directors)"),
            (q.cabinet_month, f"{q.period}: CPOR to Cabinet (month)"),
        ]
    return sorted(events)
