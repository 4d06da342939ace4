"""Reporting periods: one normalised form for every source's labels.

Sources label years differently (DfE "2025" = 2024/25, ONS ``2024-09-01/P1Y``, MHCLG
``2023-24``, H-CLIC quarter-end dates). Every label is turned, once at ingest, into a
:class:`Period` with a council-style label, start and end dates, a kind, and ``seq`` —
an integer that steps by one between consecutive periods of the same kind, used to test
that a trend's points are consecutive.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

KINDS = (
    "financial_year",
    "academic_year",
    "calendar_year",
    "quarter",
    "month",
    "snapshot",
    "multi_year",
    "rolling_year",
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Period:
    """A normalised reporting period."""

    kind: str
    label: str
    start: date
    end: date
    seq: int


def _yy(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def financial_year(start_year: int) -> Period:
    """Financial year April–March, labelled ``2024/25``."""
    return Period("financial_year", _yy(start_year), date(start_year, 4, 1), date(start_year + 1, 3, 31), start_year)


def academic_year(start_year: int, start_month: int = 9) -> Period:
    """Academic year, labelled ``AY 2024/25`` (Sep–Aug; Aug–Jul for DfE FE data)."""
    start = date(start_year, start_month, 1)
    end = date(start_year + 1, start_month, 1) - timedelta(days=1)
    return Period("academic_year", f"AY {_yy(start_year)}", start, end, start_year)


def calendar_year(year: int, label: str | None = None) -> Period:
    """Calendar year, labelled ``2024`` unless another label is given (e.g. ``Autumn 2022``)."""
    return Period("calendar_year", label or str(year), date(year, 1, 1), date(year, 12, 31), year)


def quarter(fy_start_year: int, q: int) -> Period:
    """Financial-year quarter: ``2024/25 Q2`` = July–September 2024."""
    if q not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1-4, not {q}")
    month = 4 + 3 * (q - 1)
    year = fy_start_year + (month > 12)
    month = (month - 1) % 12 + 1
    start = date(year, month, 1)
    end_month = month + 2
    end = date(year, end_month, calendar.monthrange(year, end_month)[1])
    return Period("quarter", f"{_yy(fy_start_year)} Q{q}", start, end, fy_start_year * 4 + q - 1)


def quarter_at(seq: int) -> Period:
    """The quarter with sequence number ``seq`` (:attr:`Period.seq` of a quarter: Q1 of FY 0 is 0)."""
    return quarter(seq // 4, seq % 4 + 1)


def quarter_of(day: date) -> Period:
    """The financial-year quarter containing ``day``."""
    fy = day.year if day.month >= 4 else day.year - 1
    return quarter(fy, (day.month - 4) % 12 // 3 + 1)


def month(year: int, m: int) -> Period:
    """Calendar month, labelled ``Jan 2026``."""
    end = date(year, m, calendar.monthrange(year, m)[1])
    return Period("month", f"{MONTHS[m - 1]} {year}", date(year, m, 1), end, year * 12 + m - 1)


def snapshot(day: date) -> Period:
    """A point-in-time count, labelled ``30 Sep 2025``; consecutive snapshots are a year apart."""
    return Period("snapshot", f"{day.day} {MONTHS[day.month - 1]} {day.year}", day, day, day.year)


def multi_year(first: int, years: int) -> Period:
    """A pooled period such as ``2020-22`` (three calendar years)."""
    last = first + years - 1
    return Period("multi_year", f"{first}-{last % 100:02d}", date(first, 1, 1), date(last, 12, 31), first)


def year_ending(year: int, m: int) -> Period:
    """The twelve months ending with a month, labelled ``YE Jun 2025`` (ONS crime statistics publish rolling
    years each quarter); consecutive points ending in the same month are a year apart."""
    end = date(year, m, calendar.monthrange(year, m)[1])
    start = date(year - 1, m, 1) + timedelta(days=calendar.monthrange(year - 1, m)[1])
    return Period("rolling_year", f"YE {MONTHS[m - 1]} {year}", start, end, year)


def position(day: date) -> Period:
    """A stock counted at a date, such as ONS's charging devices "at 00:00 on 1 January 2026": the position
    at the end of the quarter that ended then (1 Jan 2026 → 2025/26 Q3). A date that is not a quarter boundary
    is refused rather than placed in a quarter it does not end."""
    end = day - timedelta(days=1) if day.day == 1 else day
    found = quarter_of(end)
    if found.end != end:
        raise ValueError(f"a position at {day.isoformat()} is not at the end (or start) of a quarter")
    return found


def _iso(text: str) -> date:
    return date.fromisoformat(text.strip()[:10])


def _ons(raw: str) -> Period:
    """ONS Explore Local Statistics: ``2024-09-01/P1Y``, ``2020-01-01/P3Y`` or a bare date (a position)."""
    if "/" not in raw:
        return position(_iso(raw))
    start_text, duration = raw.split("/", 1)
    start = _iso(start_text)
    found = re.fullmatch(r"P(\d+)Y", duration)
    if not found:
        raise ValueError(f"unsupported ONS duration {duration!r}")
    years = int(found.group(1))
    if years > 1:
        return multi_year(start.year, years)
    if start.month == 4:
        return financial_year(start.year)
    if start.month in (8, 9):
        return academic_year(start.year, start.month)
    if start.month == 1:
        return calendar_year(start.year)
    raise ValueError(f"unsupported ONS period start {start_text!r}")


def _year(raw: str) -> int:
    text = raw.strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(f"expected a four-digit year, got {raw!r}")
    return int(text)


def _dash_year(raw: str) -> int:
    """``2023-24`` or ``2023/24`` → 2023 (the starting year)."""
    found = re.fullmatch(r"(\d{4})[-/](\d{2}|\d{4})", raw.strip())
    if not found:
        raise ValueError(f"expected a year like 2023-24, got {raw!r}")
    first = int(found.group(1))
    second = int(found.group(2)) % 100
    if (first + 1) % 100 != second:
        raise ValueError(f"years in {raw!r} are not consecutive")
    return first


PARSERS = {
    "end_year_financial": lambda raw: financial_year(_year(raw) - 1),
    "end_year_academic": lambda raw: academic_year(_year(raw) - 1),
    "september_snapshot": lambda raw: snapshot(date(_year(raw), 9, 30)),
    "calendar_year": lambda raw: calendar_year(_year(raw)),
    "autumn_snapshot": lambda raw: calendar_year(_year(raw), f"Autumn {_year(raw)}"),
    "ons": _ons,
    "financial_year": lambda raw: financial_year(_dash_year(raw)),
    "academic_year": lambda raw: academic_year(_dash_year(raw)),
    "quarter_end": lambda raw: quarter_of(_iso(raw)),
    "label": lambda raw: parse_label(raw),
}
"""Source period formats, by the name the KPI register uses in ``source.period_format``."""


def parse(raw: str, fmt: str) -> Period:
    """Parse a source's period value in the named format (a key of :data:`PARSERS`)."""
    try:
        parser = PARSERS[fmt]
    except KeyError:
        raise ValueError(f"unknown period format {fmt!r}; expected one of {sorted(PARSERS)}") from None
    return parser(str(raw))


def _month_number(name: str) -> int:
    if name not in MONTHS:
        raise ValueError(f"unknown month {name!r}; expected one of {', '.join(MONTHS)}")
    return MONTHS.index(name) + 1


_LABELS = (
    (re.compile(r"(\d{4})/(\d{2}) Q([1-4])"), lambda m: quarter(_dash_year(f"{m[1]}/{m[2]}"), int(m[3]))),
    (re.compile(r"AY (\d{4})/(\d{2})"), lambda m: academic_year(_dash_year(f"{m[1]}/{m[2]}"))),
    (re.compile(r"(\d{4})/(\d{2})"), lambda m: financial_year(_dash_year(f"{m[1]}/{m[2]}"))),
    (re.compile(r"(\d{4})"), lambda m: calendar_year(int(m[1]))),
    (re.compile(r"([A-Z][a-z]{2}) (\d{4})"), lambda m: month(int(m[2]), _month_number(m[1]))),
    (re.compile(r"YE ([A-Z][a-z]{2}) (\d{4})"), lambda m: year_ending(int(m[2]), _month_number(m[1]))),
    (
        re.compile(r"(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})"),
        lambda m: snapshot(date(int(m[3]), _month_number(m[2]), int(m[1]))),
    ),
)


YEARS = (1900, 2099)
"""Years a label may name: anything else (``0001/02 Q1``) is a typing slip, never a reporting period."""


def parse_label(label: str) -> Period:
    """Parse one of this product's own labels (``2025/26 Q2``, ``2024/25``, ``AY 2024/25``, ``Jan 2026``...),
    strictly: the label must be written exactly as the product writes it (``01 Sep 2025`` is refused with
    "write it as '1 Sep 2025'") and name a year in :data:`YEARS`."""
    text = str(label).strip()
    for pattern, build in _LABELS:
        found = pattern.fullmatch(text)
        if found:
            try:
                period = build(found)
            except ValueError as err:
                raise ValueError(f"{label!r}: {err}") from None
            if not YEARS[0] <= period.start.year <= YEARS[1]:
                raise ValueError(f"{label!r}: the year is outside {YEARS[0]}–{YEARS[1]}")
            if period.label != text:
                raise ValueError(f"{label!r} is not written as a period label; write it as {period.label!r}")
            return period
    raise ValueError(
        f"unrecognised period {label!r}; expected e.g. '2025/26 Q2', '2024/25', 'AY 2024/25', '2024', 'Jan 2026' "
        "or 'YE Jun 2025'"
    )
