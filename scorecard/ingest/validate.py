"""Validate every row of a return before anything is written.

Each problem is an :class:`Issue` naming the file, sheet (XLSX), row and column, and saying what was
expected. Errors reject the row (and, unless ``--allow-partial``, the whole file); warnings do not.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from scorecard import SEFTON
from scorecard.evaluation.judgements import polarity, rag
from scorecard.ingest.reader import Table
from scorecard.ingest.sources import FIGURE_COLUMNS, SUPPRESSION_CODES
from scorecard.register import Measure, Register
from scorecard.store import periods, text

INPUT_STATUSES = ("ok", "provisional", "illustrative", "suppressed")
"""Statuses a return may give; ``revised`` is set by the load itself when a figure changes."""
KINDS_BY_FREQUENCY = {
    "monthly": ("month",),
    "quarterly": ("quarter",),
    "financial_year": ("financial_year",),
    "academic_year": ("academic_year",),
    "calendar_year": ("calendar_year",),
    "annual": ("financial_year", "calendar_year", "academic_year", "snapshot"),
}
EXAMPLE = {
    "month": "Jan 2026",
    "quarter": "2025/26 Q2",
    "financial_year": "2024/25",
    "academic_year": "AY 2024/25",
    "calendar_year": "2024",
    "snapshot": "30 Sep 2025",
    "rolling_year": "YE Jun 2025",
}
MAX_COUNT = 1e10
"""The largest numerator or denominator a return may give (more than every person, visit and pound in a
council's year many times over)."""
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
ROW_COLUMNS = [*FIGURE_COLUMNS, "note"]
"""A validated row of a figures return."""


@dataclass
class Issue:
    """One problem found in a return."""

    severity: str  # "error" | "warning"
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f", sheet {self.sheet!r}" if self.sheet else "")
        where += f", row {self.row}" if self.row is not None else ""
        where += f", column {self.column!r}" if self.column else ""
        return f"{where}: {self.severity}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet or "",
            "row": self.row,
            "column": self.column or "",
            "message": self.message,
        }


@dataclass
class Context:
    """What a row is checked against: the register, known areas, each measure's period kind in the data."""

    reg: Register
    areas: set[str]
    kinds: dict[str, set[str]] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    may_approve: bool = True
    """Whether whoever loads may record a target's approval (the BI administrators who record Cabinet's
    decisions; an officer's targets are proposals)."""
    reported: frozenset[str] = frozenset()
    """Financial years (labels) with a quarter released to members or published: their targets are what was
    reported, so a return may not change them."""

    def __post_init__(self):
        self.measures = {m.id: m for m in self.reg.measures}
        self.suggestions: dict[str, str] = {}

    def unknown_measure(self, measure_id: str) -> str:
        """The error for an unknown measure id, with a "did you mean" — worked out once per distinct id."""
        if measure_id not in self.suggestions:
            close = difflib.get_close_matches(measure_id[:80], self.measures, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.suggestions[measure_id] = (
                f"unknown measure {measure_id[:80]!r}{hint}; expected an id from kpi_definitions.yaml"
            )
        return self.suggestions[measure_id]


class HasIssues:
    """Errors and warnings out of an ``issues`` list."""

    issues: list[Issue]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]


@dataclass
class Validated(HasIssues):
    """The outcome of validating one table: good rows (normalised), issues, rejected row numbers."""

    rows: pd.DataFrame
    issues: list[Issue]
    rejected: dict[int, list[str]]
    skipped_blank: int = 0


def parse_number(text: str) -> float | None:
    """A plain number (``12``, ``-3.5``, ``1e3``, ``1,234.5``); None when it is not one."""
    if _NUMBER.fullmatch(text):
        number = float(text)
    elif _THOUSANDS.fullmatch(text):
        number = float(text.replace(",", ""))
    else:
        return None
    return number if math.isfinite(number) else None


def implausible(measure: Measure, value: float) -> str | None:
    """Why ``value`` cannot be a figure of ``measure`` (outside its plausible range), or None."""
    low, high = measure.plausible_range
    if low <= value <= high:
        return None
    unit = measure.unit.replace("_", " ")
    if measure.plausible is None and measure.unit in ("percent", "proportion"):
        return f"{value:g} is outside {low:g}–{high:g} for a {'percentage' if unit == 'percent' else unit}"
    if measure.plausible is None and low == 0 and value < 0:
        return f"{value:g} is negative; a {unit} cannot be below 0"
    which = "this measure (plausible: in the register)" if measure.plausible else f"a {unit}"
    return f"{value:g} is outside the plausible range {low:g} to {high:g} for {which}"


def _red_without_note(frame: pd.DataFrame, numbers: list[int], table: Table, ctx: Context) -> list[Issue]:
    """A warning for each figure red against a fixed target (:func:`scorecard.evaluation.judgements.rag.rate`,
    one call for the whole file) that has no note explaining it and the corrective action."""
    fixed = {m.id: m for m in ctx.measures.values() if m.target is not None and m.target.basis == "fixed"}
    rows = frame["measure_id"].isin(list(fixed)) & frame["note"].eq("") & frame["value"].notna()
    if not rows.any():
        return []
    part = frame[rows]
    measures = [fixed[mid] for mid in part["measure_id"]]
    codes = rag.rate(
        part["value"],
        [m.target.value for m in measures],
        [m.target.tolerance for m in measures],
        polarity.good_sign([m.polarity for m in measures]),
        [m.info_type for m in measures],
        part["status"],
        [False] * len(part),
    )
    return [
        Issue(
            "warning",
            table.file,
            table.sheet,
            number,
            "note",
            f"{value:g} is red against the target {m.target.value:g}; add commentary (note) explaining it "
            "and the corrective action",
        )
        for number, value, m, code in zip(np.asarray(numbers)[rows.to_numpy()], part["value"], measures, codes)
        if code == "red"
    ]


def validate(table: Table, ctx: Context, progress: Callable[[int, int], None] = lambda done, total: None) -> Validated:
    """Check every row; never raises on bad content."""
    issues: list[Issue] = []
    rejected: dict[int, list[str]] = {}
    out: list[dict] = []
    numbers_out: list[int] = []  # the file row of each accepted figure
    seen: dict[tuple, int] = {}
    kinds_in_file: dict[str, tuple[str, int]] = {}
    period_cache: dict[str, periods.Period | str] = {}
    skipped = 0
    total = len(table.rows)

    for index, (row, number) in enumerate(zip(table.rows, table.numbers)):
        if index % 10_000 == 0:
            progress(index, total)
        problems: list[tuple[str, str]] = []

        def error(column: str, message: str) -> None:
            problems.append((column, message))

        def warn(column: str | None, message: str) -> None:
            issues.append(Issue("warning", table.file, table.sheet, number, column, message))

        refused = table.refused.get(number)
        if refused:  # the reader could not read the row faithfully (hidden, or a formula with no value)
            rejected[number] = [f"{c}: {m}" for c, m in refused]
            issues.extend(Issue("error", table.file, table.sheet, number, c, m) for c, m in refused)
            continue

        value_text = row.get("value", "")
        status_text = row.get("status", "").strip().lower()
        num_text, den_text = row.get("numerator", ""), row.get("denominator", "")
        if not value_text and not status_text and not num_text and not den_text:
            skipped += 1  # a template row left blank: not a figure
            continue

        measure = None
        measure_id = row.get("measure_id", "")
        if not measure_id:
            error("measure_id", "no measure id; expected an id from the KPI register, e.g. 'asc_msp_outcomes_met_pct'")
        else:
            measure = ctx.measures.get(measure_id)
            if measure is None:
                error("measure_id", ctx.unknown_measure(measure_id))
            elif not measure.takes_returns:
                error(
                    "measure_id",
                    f"{measure_id} comes from a published source ({measure.source.dataset}), not from council "
                    "returns; a return cannot write or revise it",
                )
                measure = None

        area = row.get("area_code", "") or SEFTON
        if area not in ctx.areas:
            error(
                "area_code",
                f"unknown area code {area[:40]!r}; expected an ONS code such as {SEFTON} (Sefton), "
                "or leave blank for Sefton",
            )
        elif measure is not None and area not in measure.source.return_areas:
            error(
                "area_code",
                f"a return for {measure.id} may only give figures for {', '.join(measure.source.return_areas)}, "
                f"not {area}; England's and "
                "other councils' figures come from the published sources",
            )

        period = None
        label = row.get("period", "")
        if not label:
            error("period", "no period; expected a label like '2025/26 Q2', '2024/25', 'AY 2024/25' or 'Jan 2026'")
        else:
            parsed = period_cache.get(label)
            if parsed is None:
                try:
                    parsed = periods.parse_label(label)
                except ValueError as err:
                    parsed = str(err)
                period_cache[label] = parsed
            if isinstance(parsed, str):
                error("period", parsed)
            else:
                period = parsed
                if period.end > ctx.today:
                    error(
                        "period",
                        f"{period.label} ends on {period.end.isoformat()}, after today "
                        f"({ctx.today.isoformat()}); figures can only be returned for past periods",
                    )
                if measure is not None:
                    allowed = ctx.kinds.get(measure.id) or set(KINDS_BY_FREQUENCY[measure.frequency])
                    if period.kind not in allowed:
                        wanted = " or ".join(f"a {k.replace('_', ' ')} like {EXAMPLE[k]!r}" for k in sorted(allowed))
                        error(
                            "period",
                            f"{measure.id} is reported {measure.frequency.replace('_', ' ')}: expected "
                            f"{wanted}, got {label!r} (a {period.kind.replace('_', ' ')})",
                        )
                    elif measure.id not in ctx.kinds:
                        first = kinds_in_file.setdefault(measure.id, (period.kind, number))
                        if first[0] != period.kind:
                            error(
                                "period",
                                f"{measure.id} has {first[0].replace('_', ' ')} periods (row {first[1]}) "
                                f"and a {period.kind.replace('_', ' ')} here; one kind per measure",
                            )

        status = status_text or "ok"
        if status in SUPPRESSION_CODES:
            status = "suppressed"
        if status not in INPUT_STATUSES:
            error(
                "status",
                f"{row.get('status')!r} is not a status; expected one of {', '.join(INPUT_STATUSES)} (or blank for ok)",
            )

        def number_of(column: str, text: str) -> float | None:
            if not text:
                return None
            number_value = parse_number(text)
            if (
                number_value is None
                and text.endswith("%")
                and column == "value"
                and measure is not None
                and measure.unit == "percent"
            ):
                number_value = parse_number(text[:-1].strip())
            if number_value is None:
                error(column, f"expected a number, got {text!r}")
                return None
            if (number, column) in table.percent_cells and measure is not None and measure.unit == "percent":
                number_value *= 100  # Excel keeps 45% as 0.45
            return number_value

        value = None
        if value_text.lower() in SUPPRESSION_CODES:
            status = "suppressed" if status in INPUT_STATUSES else status
        else:
            value = number_of("value", value_text)
        numerator = number_of("numerator", num_text)
        denominator = number_of("denominator", den_text)

        if measure is not None:
            for column, number_value in (("numerator", numerator), ("denominator", denominator)):
                if number_value is not None and number_value < 0:
                    error(column, f"{number_value:g} is negative; a count cannot be below 0")
                elif number_value is not None and number_value > MAX_COUNT:
                    error(column, f"{number_value:g} is more than {MAX_COUNT:g}; not a plausible count")
            if numerator is not None and denominator is not None and denominator >= 0 and numerator >= 0:
                if denominator == 0:
                    error("denominator", "is 0; a rate or percentage needs a denominator above 0")
                elif numerator > denominator and (
                    measure.unit in ("percent", "proportion") or measure.calculation == "proportion"
                ):
                    error(
                        "numerator",
                        f"{numerator:g} is larger than the denominator {denominator:g}; "
                        "the numerator counts part of the denominator",
                    )
                elif (
                    value is None
                    and status != "suppressed"
                    and (measure.unit == "percent" or measure.calculation == "proportion")
                ):
                    scale = measure.multiplier if measure.calculation == "proportion" else 100.0
                    value = numerator / denominator * scale
                elif value is not None and measure.unit == "percent":
                    implied = numerator / denominator * 100
                    if abs(implied - value) > 0.5:
                        warn("value", f"{value:g} but numerator/denominator give {implied:.1f}%")
            if value is not None:
                if status == "suppressed":
                    error(
                        "value", f"a value ({value_text}) is given but the status is suppressed; give one or the other"
                    )
                elif (why := implausible(measure, value)) is not None:
                    error("value", why)
            elif status != "suppressed" and not any(c == "value" for c, _ in problems):
                error("value", "no value; expected a number, or a suppression code (c, x, -, ..) for a withheld figure")

        if period is not None and measure_id:
            key = (measure_id, area, period.end)
            earlier = seen.get(key)
            if earlier is not None:
                error(
                    "period", f"duplicate: {measure_id} for {area} in {period.label} is already given in row {earlier}"
                )
            else:
                seen[key] = number

        if problems:
            rejected[number] = [f"{c}: {m}" for c, m in problems]
            issues.extend(Issue("error", table.file, table.sheet, number, c, m) for c, m in problems)
            continue
        assert period is not None  # a row without a period has an error
        numbers_out.append(number)
        out.append(
            {
                "measure_id": measure_id,
                "area_code": area,
                "period_kind": period.kind,
                "period_label": period.label,
                "period_start": period.start,
                "period_end": period.end,
                "period_seq": period.seq,
                "value": np.nan if value is None else float(value),
                "numerator": np.nan if numerator is None else float(numerator),
                "denominator": np.nan if denominator is None else float(denominator),
                "lower_ci": np.nan,
                "upper_ci": np.nan,
                "status": status,
                "note": text.without_controls(row.get("note", "")),
            }
        )
    progress(total, total)
    if skipped:
        issues.append(
            Issue(
                "warning",
                table.file,
                table.sheet,
                None,
                None,
                f"{skipped} row(s) with no value, numerator, denominator or status were skipped "
                "(template rows left blank)",
            )
        )
    frame = pd.DataFrame(out, columns=ROW_COLUMNS)
    issues.extend(_red_without_note(frame, numbers_out, table, ctx))
    if not out and not rejected:
        issues.append(
            Issue(
                "error",
                table.file,
                table.sheet,
                None,
                "value",
                "no figures: every row is blank; fill in the value column",
            )
        )
    return Validated(frame, issues, rejected, skipped)
