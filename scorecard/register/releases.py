"""The release calendar: when each measure's next published figures are expected.

Each data set in the register records its publisher's usual release months, frequency and lag
(:class:`scorecard.register.definitions.Release`; a measure of a compilation such as LAIT gives its own).
From the latest period held, the figures for the following period are expected in the first usual release
month at least ``lag_months`` after that period's last month. If that month has passed, the figures are due
(probably published, not yet loaded: the extract needs refreshing); the publisher's next release is then the
first such month from today. A measure is *stale* once its latest period ended more than
``stale_after_months`` ago (the evaluation's rule), and *soon stale* when that happens within
:data:`SOON_MONTHS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from scorecard.register.definitions import Measure, Register, Release
from scorecard.store import periods

SOON_MONTHS = 3
"""A measure that turns stale within this many months of today is *soon stale* (one reporting quarter)."""
ANNUAL_KINDS = ("financial_year", "academic_year", "calendar_year", "snapshot", "multi_year")
"""Period kinds whose next period ends a year later (a pooled three-year period rolls on by one year)."""
SCHEDULED = ("annual", "quarterly", "monthly")
"""Frequencies with usual release months; ``irregular`` and ``discontinued`` releases have no next date."""


@dataclass(frozen=True)
class Expected:
    """When a measure's next figures are expected (dates are the first day of the month)."""

    next_figures: date | None
    """The usual release month of the period after the latest held (None if no schedule)."""
    next_release: date | None
    """The first usual release month from ``as_of``'s month: equal to ``next_figures`` unless that has passed."""
    due: bool
    """``next_figures`` is before ``as_of``'s month: the figures are probably out but not loaded."""


def release_for(measure: Measure, reg: Register) -> Release | None:
    """The measure's release schedule: its own, else its data set's (None for council-only measures)."""
    if measure.source.match == "none":
        return None
    return measure.source.release or reg.dataset(measure.source.dataset).release


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _first_day(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def step_months(kind: str, release: Release) -> int:
    """Months from one period's end to the next: a year for annual kinds, three for quarters, and by the
    release frequency for months and rolling years (ONS's rolling years move on each quarter)."""
    if kind in ANNUAL_KINDS:
        return 12
    if kind == "quarter":
        return 3
    return {"quarterly": 3, "monthly": 1}.get(release.frequency, 12)


def _release_month(release: Release, earliest: int) -> int:
    """The first usual release month (as a month index) at or after ``earliest`` (any month if monthly)."""
    months = release.months or range(1, 13)
    return earliest + min((month - 1 - earliest) % 12 for month in months)


def expected(release: Release | None, latest: periods.Period | None, as_of: date) -> Expected:
    """When the figures after ``latest`` are expected, and the publisher's next release from ``as_of``."""
    if release is None or latest is None or release.frequency not in SCHEDULED:
        return Expected(None, None, False)
    step = step_months(latest.kind, release)
    end = _month_index(latest.end) + step  # the month the next period ends
    first = _release_month(release, end + release.lag_months)
    today, upcoming = _month_index(as_of), first
    while upcoming < today:  # due already: the publisher's next release is a later period's
        end += step
        upcoming = _release_month(release, end + release.lag_months)
    return Expected(_first_day(first), _first_day(upcoming), first < today)


def report_month(report: periods.Period) -> date:
    """The month a quarter's report goes to Cabinet: the month after the quarter (framework, seed 001 ~1772,
    "Strategic Planning Cycle": Quarter 4 in April, Quarter 1 in July, Quarter 2 in October, Quarter 3 in
    January)."""
    return _first_day(_month_index(report.end) + 1)


def next_report(today: date) -> tuple[periods.Period, date]:
    """The quarter whose report goes to Cabinet next, counting this month, and that month (:func:`report_month`):
    the quarter that ended last while its month has not passed, else the quarter in progress."""
    now = periods.quarter_of(today)
    ended = periods.quarter_at(now.seq - 1)
    month = report_month(ended)
    return (ended, month) if _month_index(month) >= _month_index(today) else (now, report_month(now))


def known_end(release: Release | None, known_by: date) -> date | None:
    """The last day of the latest month whose period's figures were due out by ``known_by``'s month, by the
    calendar rule of :func:`expected` (a period ending in month E comes out in the first usual release month
    at least ``lag_months`` after E); None where there is no schedule (council returns, irregular releases),
    for which every figure held is taken as known."""
    if release is None or release.frequency not in SCHEDULED:
        return None
    limit = _month_index(known_by)
    end = limit
    while _release_month(release, end + release.lag_months) > limit:
        end -= 1
    return _first_day(end + 1) - pd.Timedelta(days=1)


def staleness(period_end: date, stale_after_months: int, as_of: date) -> str:
    """``stale``, ``soon stale`` or ``current``, by the evaluation's rule (period end older than
    ``stale_after_months`` before the date) applied at ``as_of`` and :data:`SOON_MONTHS` later."""
    limit = pd.Timestamp(as_of) - pd.DateOffset(months=stale_after_months)
    if pd.Timestamp(period_end) < limit:
        return "stale"
    if pd.Timestamp(period_end) < limit + pd.DateOffset(months=SOON_MONTHS):
        return "soon stale"
    return "current"


def calendar(reg: Register, latest: dict[str, periods.Period], as_of: date) -> pd.DataFrame:
    """One row per measure with public data: its data set, latest period held (any area), whether it is stale,
    when the next figures are expected and the publisher's next release from ``as_of``."""
    rows = []
    for measure in reg.measures:
        release = release_for(measure, reg)
        if release is None:
            continue
        period = latest.get(measure.id)
        when = expected(release, period, as_of)
        dataset = reg.dataset(measure.source.dataset)
        rows.append(
            {
                "measure_id": measure.id,
                "title": measure.title,
                "dataset_id": dataset.id,
                "publisher": dataset.publisher,
                "latest_period": period.label if period else None,
                "latest_end": period.end if period else None,
                "state": staleness(period.end, measure.stale_after_months, as_of) if period else "missing",
                "frequency": release.frequency,
                "next_figures": when.next_figures,
                "next_release": when.next_release,
                "due": when.due,
                "basis": release.basis,
            }
        )
    return pd.DataFrame(rows)


def upcoming_by_month(table: pd.DataFrame, months: int = 12) -> pd.DataFrame:
    """The calendar's next releases within ``months`` of the earliest, by month (oldest first): month,
    measure, data set and whether figures are already due for that measure."""
    dated = table.dropna(subset=["next_release"]).sort_values(["next_release", "dataset_id", "measure_id"])
    if dated.empty:
        return dated.assign(month=pd.Series(dtype="string"))
    first = _month_index(dated["next_release"].min())
    dated = dated[[_month_index(d) < first + months for d in dated["next_release"]]]
    return dated.assign(month=[d.strftime("%B %Y") for d in dated["next_release"]]).reset_index(drop=True)


def stale_or_soon(table: pd.DataFrame) -> pd.DataFrame:
    """The calendar's stale and soon-stale measures, the ones whose figures were expected earliest first."""
    chosen = table[table["state"].isin(["stale", "soon stale"])]
    return chosen.sort_values(["next_figures", "measure_id"], na_position="last").reset_index(drop=True)


def released_between(reg: Register, since: date, until: date) -> list[str]:
    """The measures whose publisher's annual release brought a new period after ``since``'s month and by
    ``until``'s month (by :func:`known_end`): the national data published between two reports."""
    out = []
    for m in reg.measures:
        release = release_for(m, reg)
        if (
            release is not None
            and release.frequency == "annual"
            and known_end(release, since) != known_end(release, until)
        ):
            out.append(m.id)
    return out


def deep_dive(reg: Register, report: periods.Period) -> str:
    """The theme suggested for a report's thematic deep dive (seed 001, "Exception reporting to Cabinet": a
    thematic view timed to the publication of national data): the theme with the largest share of its measures
    whose national data was published since the previous quarter's report (:func:`released_between`), then
    the most such measures, then first in the plan's order."""
    new = released_between(reg, report_month(periods.quarter_at(report.seq - 1)), report_month(report))
    order = [t.id for t in reg.themes]
    sizes = {t: sum(m.themes[0] == t for m in reg.measures) for t in order}
    counts = {t: sum(reg.measure(m).themes[0] == t for m in new) for t in order}
    return max(order, key=lambda t: (counts[t] / max(sizes[t], 1), counts[t], -order.index(t)))
