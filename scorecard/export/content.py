"""What goes in the CPOR committee pack, worded once for every format.

The Word, PDF and Excel writers all render the :class:`Pack` built here from the evaluated scorecard
(:func:`scorecard.evaluation.evaluate.scorecard`), so a figure, RAG label or direction reads the same in the pack
as on screen: every label comes from :mod:`scorecard.present.wording`, and nothing here recomputes a judgement.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from scorecard import register
from scorecard.evaluation.judgements import direction as direction_rule
from scorecard.evaluation.judgements import rag as rag_rule
from scorecard.evaluation.judgements.exceptions import TIERS
from scorecard.present import actions as action_views
from scorecard.present import commentary, conversation, front_sheet, tables, views, wording
from scorecard.present import finance as finance_views
from scorecard.present import risks as risk_views
from scorecard.register import Context, plan, releases
from scorecard.store import db, frames, ledger, periods

Progress = Callable[[float, str], None]

COUNCIL = "Sefton Council"
REPORT_TITLE = "Corporate Plan Overview Report (CPOR)"
QSR_TITLE = "Quarterly Service Report (QSR)"
FINANCE_HEADERS = ("Service line", "Budget", "Forecast outturn", "Variance", "Position", "Commentary")
FINANCE_WIDTHS = (3.0, 2.0, 2.0, 1.9, 2.6, 5.5)
"""Column widths (cm) in the Word and PDF packs."""
FINANCE_NOTE = finance_views.NOTE
RISK_HEADERS = ("Risk", "What might happen", "Score", "Linked measures and actions", "Mitigation")
RISK_WIDTHS = (1.8, 4.2, 2.8, 4.4, 3.8)
OUTTURN_HEADERS = ("Measure", "Outturn (period)", "Target for the year", "RAG")
OUTTURN_WIDTHS = (7.5, 3.5, 3.5, 2.5)
FORECAST_HEADERS = ("Measure", "Year-end forecast (80% interval)", "Forecast")
FORECAST_WIDTHS = (6.0, 8.5, 2.5)
NO_FORECAST_AT_RISK = wording.NO_FORECAST_AT_RISK
NO_RISKS = "No risk held is linked to the measures or priority actions of this report."


SUMMARY_RAGS = tuple(code for code in rag_rule.CODES if code != rag_rule.AWAITING)
"""Columns of the RAG summary table: every RAG code a live evaluation gives (packs are built from the current
data: nothing is withheld from staff)."""
CABINET_FRAME = (
    ("Report to", "Cabinet"),
    ("Report of", "Executive Director – Corporate Services and Commercial"),
    ("Portfolio", "Corporate Services"),
    ("Wards affected", "All"),
    ("Is this a key decision", "No"),
    ("Exempt/confidential report", "No"),
    ("Contact officer", "Business Intelligence Team, Strategic Support (post to be confirmed)"),
)
"""The header of a Cabinet report as the council writes it (seed 001, the Corporate Plan report of July 2024);
the contact officer is a post, never a person."""
DECISION_HEADERS = ("Measure", "Value (period)", "Target", "RAG", "Direction", "Neighbours", "Being done", "Owner")
DECISION_WIDTHS = (3.1, 2.0, 1.9, 1.2, 1.8, 2.2, 2.5, 2.3)
TIER_HEADERS = ("Measure", "Value (period)", "RAG", "Why it is here")
TIER_WIDTHS = (5.6, 3.2, 1.8, 6.4)
FRONT_HEADERS = ("Measure", "Value (period)", "RAG", "Why")
FRONT_WIDTHS = (6.5, 3.2, 1.8, 5.5)
DEFINITIONS_LINK = (
    "Every measure's definition, source, licence and target rationale is on the scorecard's Data & definitions "
    "page; the detailed pack, with every theme in full and the definitions, is python -m scorecard export --full."
)
ACTION_HEADERS = ("Theme", "Priority action", "Status", "Progress")
ACTION_WIDTHS = (3.0, 8.4, 3.6, 2.0)
SUMMARY_DIRECTIONS = direction_rule.CODES


def missing(value) -> bool:
    """True for None, NaN and pandas NA."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return isinstance(value, float) and math.isnan(value)
    except TypeError:
        return False


def number(value) -> float | None:
    """A plain float, or None when missing."""
    return None if missing(value) else float(value)


def long_date(day: date) -> str:
    """``24 November 2026``."""
    return f"{day.day} {day:%B %Y}"


def theme_sheet_name(title: str, theme_id: str) -> str:
    """An Excel sheet name (at most 31 characters, none of ``[]:*?/\\``)."""
    name = title if len(title) <= 31 else theme_id.replace("_", " ").title()
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    return name[:31]


@dataclass
class Row:
    """One measure as the pack shows it."""

    measure_id: str
    title: str
    display_title: str
    theme_ids: list[str]
    info_type: str
    unit: str
    decimals: int
    value: float | None
    value_text: str
    period_label: str
    status: str
    illustrative: bool
    proxy: bool
    data_match: str
    proxy_for: str
    value_note: str
    target: float | None
    target_text: str
    target_note: str
    target_illustrative: bool
    target_basis: str
    target_rationale: str
    rag: str
    rag_text: str
    direction: str
    direction_text: str
    direction_yoy_text: str
    trend_text: str
    benchmark_text: str
    benchmark_group_name: str
    rank: int | None
    group_size: int | None
    quartile: int | None
    quartile_text: str
    benchmark_median: float | None
    england_value: float | None
    significance_text: str
    exception_reasons: list[str]
    exception_severity: int
    exception_tier: str
    forecast_text: str
    forecast_status: str
    forecast_status_text: str
    year_complete: bool
    owner: str
    summary: str
    previous_value: float | None
    previous_period: str
    report_end: date | None
    narrative: str = ""
    corrective_action: str = ""
    action_owner_line: str = ""
    commentary_written: str = ""
    commentary_marks: list[str] = field(default_factory=list)
    without_commentary: bool = False

    @property
    def is_exception(self) -> bool:
        return bool(self.exception_reasons)

    @property
    def exception_tier_text(self) -> str:
        """``For decision``, ``Watch`` or ``Going well`` (empty when not an exception)."""
        return wording.TIER[self.exception_tier][0] if self.exception_tier in wording.TIER else ""

    @property
    def exception_order(self) -> tuple[int, int]:
        """Where the exception is read: by tier (DESIGN.md §5), then most severe first."""
        known = self.exception_tier in TIERS
        return (TIERS.index(self.exception_tier) if known else len(TIERS), self.exception_severity)

    @property
    def marked_title(self) -> str:
        """The title with (proxy) and (illustrative) where they apply."""
        return self.display_title + (" (illustrative)" if self.illustrative else "")

    @property
    def value_cell(self) -> str:
        """``24.6% (30 Sep 2025) (illustrative)``: the figure with its period and any marker."""
        text = self.value_text
        if self.period_label:
            text += f" ({self.period_label})"
        if self.value_note:
            text += f" {self.value_note}"
        return text

    @property
    def target_cell(self) -> str:
        text = self.target_text
        if self.target_note:
            text += f" {self.target_note}"
        return text


@dataclass
class Definition:
    """A measure's register entry, for the definitions appendix and sheet."""

    measure_id: str
    title: str
    themes: str
    info_type: str
    polarity: str
    unit: str
    frequency: str
    definition: str
    what_good_looks_like: str
    caveats: list[str]
    source_match: str
    proxy_for: str
    publisher: str
    dataset: str
    licence: str
    target_basis: str
    target_rationale: str
    theme_responsibility: str
    metric_responsibility: str


@dataclass
class ActionRow:
    """A Corporate Plan priority action with its update for the quarter, worded."""

    title: str
    status: str
    status_text: str
    percent_text: str
    narrative: str
    written: str
    marks: list[str]


@dataclass
class ThemeSection:
    id: str
    title: str
    corporate_plan_title: str
    responsibility: str
    rows: list[Row]
    actions: list[ActionRow] = field(default_factory=list)

    @property
    def exceptions(self) -> list[Row]:
        """The theme's exceptions by tier, most severe first within each (then in register order)."""
        return sorted((row for row in self.rows if row.is_exception), key=lambda row: row.exception_order)

    def rag_counts(self) -> dict[str, int]:
        return rag_counts(self.rows)

    def direction_counts(self) -> dict[str, int]:
        return direction_counts(self.rows)


def front_cells(front: front_sheet.FrontSheet) -> list[tuple[str, list[list[str]]]]:
    """The front sheet's two tables (:data:`FRONT_HEADERS`) with their headings: the three biggest concerns and
    the three best results."""
    out = []
    for heading, rows in (("The three biggest concerns", front.concerns), ("The three best results", front.best)):
        cells = [
            [
                r["title"] + (" (illustrative)" if r["status"] == "illustrative" else ""),
                f"{tables.value_text(r)} ({r['period_label']})",
                wording.rag_text(r["rag"]),
                r["why"],
            ]
            for r in rows
        ]
        out.append((heading, cells or [["None this quarter.", "", "", ""]]))
    return out


def headline_counts(rows: list[Row]) -> dict[str, int]:
    """:func:`scorecard.present.views.headline_counts` of the pack's rows (the same count as on screen)."""
    return views.headline_counts(
        pd.DataFrame(
            {
                "rag": [r.rag for r in rows],
                "direction": [r.direction for r in rows],
                "exception_reasons": [r.exception_reasons for r in rows],
                "status": [r.status for r in rows],
            }
        )
    )


def rag_counts(rows: list[Row]) -> dict[str, int]:
    """RAG code → measures, from :func:`headline_counts`."""
    counts = headline_counts(rows)
    return {code: counts[f"rag_{code}"] for code in SUMMARY_RAGS}


def direction_counts(rows: list[Row]) -> dict[str, int]:
    """Direction code → measures, from :func:`headline_counts`."""
    counts = headline_counts(rows)
    return {code: counts[code] for code in SUMMARY_DIRECTIONS}


SCORECARD_HEADERS = ("Measure", "Value (period)", "Target", "RAG", "Direction", "Neighbour quartile")
"""A theme's scorecard table in the packs."""
SCORECARD_WIDTHS = (5.0, 2.8, 2.5, 1.9, 2.2, 2.6)
RAG_SUMMARY_HEADERS = ["Theme", *(wording.rag_text(code) for code in SUMMARY_RAGS), "Total", "Exceptions"]
RAG_SUMMARY_WIDTHS = (2.8, 1.3, 1.35, 1.0, 1.3, 1.2, 1.55, 2.2, 1.15, 1.1, 2.05)
"""Each column as wide as its header's longest word needs (#23: "Am ber" split at an even 1.31 cm)."""
DIRECTION_SUMMARY_HEADERS = ["Theme", *(wording.direction_text(code) for code in SUMMARY_DIRECTIONS)]
DIRECTION_SUMMARY_WIDTHS = (3.6, *(2.23 for _ in SUMMARY_DIRECTIONS))


def summary_paragraph(pack: Pack) -> str:
    """The summary's opening: how many measures, by RAG, how many are exceptions, and :func:`summary_sentence`."""
    counts = rag_counts(pack.rows)
    parts = ", ".join(f"{counts[code]} {wording.RAG[code][0].lower()}" for code in SUMMARY_RAGS)
    return (
        f"This report covers {len(pack.rows)} measures for {pack.period} ({parts}). {_exception_measures(pack)} "
        f"measures are exceptions and are described under their theme. {summary_sentence(pack)}"
    )


def _exception_measures(pack: Pack) -> int:
    """How many measures are exceptions (a measure under more than one theme counts once)."""
    return len({row.measure_id for _, row in pack.exceptions})


def rag_summary(pack: Pack) -> list[tuple[str, list[int]]]:
    """The summary's RAG ratings by theme, under :data:`RAG_SUMMARY_HEADERS`: per theme its measures by RAG, its
    measures and its exceptions; for more than one theme, then "All themes"."""
    body = [
        (theme.title, [*theme.rag_counts().values(), len(theme.rows), len(theme.exceptions)]) for theme in pack.themes
    ]
    if len(pack.themes) > 1:
        body.append(("All themes", [*rag_counts(pack.rows).values(), len(pack.rows), _exception_measures(pack)]))
    return body


def direction_summary(pack: Pack) -> list[tuple[str, list[int]]]:
    """The summary's direction of travel by theme, under :data:`DIRECTION_SUMMARY_HEADERS`."""
    return [(theme.title, list(theme.direction_counts().values())) for theme in pack.themes]


def summary_cells(summary: list[tuple[str, list[int]]]) -> list[list[str]]:
    """:func:`rag_summary` or :func:`direction_summary` as table text."""
    return [[title, *map(str, numbers)] for title, numbers in summary]


@dataclass
class Inputs:
    """What a pack is built from, as one person may see it — decided by the gate
    (:mod:`scorecard.governance.reports`, composed by the caller): for the public and members the frozen card,
    conversation and trends of a published quarter, never live data. Without it a pack reads the current data
    (staff)."""

    card: pd.DataFrame
    commentary: pd.DataFrame
    updates: pd.DataFrame
    finance: pd.DataFrame
    risks: pd.DataFrame
    key_messages: dict | None
    series: Callable[[str], pd.DataFrame]
    """measure id → its trend up to the quarter (:data:`scorecard.present.views.SERIES_COLUMNS`)."""


@dataclass
class Pack:
    """Everything a committee pack says, already worded."""

    council: str
    title: str
    area_code: str
    area_name: str
    period: str
    period_end: date | None
    data_as_at: date
    themes: list[ThemeSection]
    definitions: list[Definition]
    scope_theme: str | None
    finance: finance_views.Position
    ctx: Context = field(repr=False)
    """What the pack was built from (its trend charts read the current data through it, unless ``series``)."""
    frame: pd.DataFrame = field(default=None, repr=False)
    risks: pd.DataFrame = field(default_factory=pd.DataFrame)
    risk_note: str = ""
    scope: plan.Scope | None = None
    front: front_sheet.FrontSheet | None = None
    deep_dive: str | None = None
    """The theme of the CPOR's thematic deep dive (the compact pack's only full theme section)."""
    compact: bool = False
    """The CPOR in the Cabinet report frame (the default); False: every theme in full (``--full``, QSRs)."""
    meeting: date | None = None
    """The month of the Cabinet meeting the report goes to (the strategic planning cycle)."""
    sign_off: str | None = None
    """The CPOR's state — draft, or final for Cabinet with what was not signed off (the quarterly workflow)."""
    series: Callable[[str], pd.DataFrame] | None = field(default=None, repr=False)
    """Where the charts read each measure's trend (None: the current data)."""

    @property
    def data_as_at_text(self) -> str:
        return long_date(self.data_as_at)

    @property
    def marks_note(self) -> str:
        """What the marks beside figures mean (the illustrative one only where a figure is illustrative)."""
        proxy = "measures marked (proxy) use the nearest published measure to the council's definition."
        if any(r.illustrative for r in self.rows):
            return "Figures marked (illustrative) are demonstration values, not council or published figures; " + proxy
        return proxy[:1].upper() + proxy[1:]

    def cover_facts(self) -> list[tuple[str, str]]:
        """The title page's facts under the title and period."""
        return [
            ("Data as at", self.data_as_at_text),
            ("Scope", self.scope_text),
            ("Area", f"{self.area_name} ({self.area_code})"),
            ("Report to", "Cabinet; Overview and Scrutiny Committee"),
            ("Prepared by", "Strategic Performance and Business Intelligence"),
        ]

    def cabinet_frame(self) -> list[tuple[str, str]]:
        """The report header (:data:`CABINET_FRAME`) with the meeting's month and the subject."""
        meeting = f"{self.meeting:%B %Y} (strategic planning cycle)" if self.meeting else "To be confirmed"
        state = [("Status", self.sign_off)] if self.sign_off else []
        return (
            [("Date of meeting", meeting), *CABINET_FRAME[:1], ("Subject", f"{self.title}, {self.period}")]
            + state
            + list(CABINET_FRAME[1:])
        )

    def summary(self) -> str:
        """The Cabinet report's summary: what the report is, then the front sheet's counts."""
        return (
            f"This report sets out the council's performance against the Corporate Plan 2024–27 for {self.period}, "
            "by exception: the measures that need a decision, those to watch and those going well, with one "
            "thematic deep dive. " + (self.front.headline() if self.front else "")
        )

    def recommendations(self) -> list[str]:
        """What Cabinet is recommended to do with the report."""
        theme = self.theme_section(self.deep_dive)
        return [
            f"Note the council's performance against the Corporate Plan 2024–27 for {self.period}, and the "
            "measures for decision in section 2 with the action being taken.",
            *([f"Note the thematic deep dive on {theme.title} in section 3."] if theme else []),
        ]

    def theme_section(self, theme_id: str | None) -> ThemeSection | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def tier_rows(self, tier: str) -> list[Row]:
        """The measures in one exception tier (each once), most severe first, real figures before illustrative."""
        rows = [r for r in self.rows if r.exception_tier == tier]
        return sorted(rows, key=lambda r: (r.illustrative, r.exception_severity))

    def decision_cells(self) -> list[list[str]]:
        """The *for decision* table (:data:`DECISION_HEADERS`)."""
        return [
            [
                r.marked_title,
                r.value_cell,
                r.target_cell,
                r.rag_text,
                r.direction_text,
                r.quartile_text or "–",
                r.corrective_action or wording.NO_ACTION,
                r.owner,
            ]
            for r in self.tier_rows("for_decision")
        ]

    def tier_cells(self, tier: str) -> list[list[str]]:
        """A compact table of one tier (:data:`TIER_HEADERS`)."""
        return [
            [r.marked_title, r.value_cell, r.rag_text, "; ".join(r.exception_reasons)] for r in self.tier_rows(tier)
        ]

    def action_cells(self) -> list[list[str]]:
        """Every priority action in one table (:data:`ACTION_HEADERS`)."""
        return [[theme.title, a.title, a.status_text, a.percent_text] for theme, a in self.actions]

    @property
    def scope_text(self) -> str:
        if self.scope:
            return self.scope.label
        if self.scope_theme:
            return f"Theme: {self.themes[0].title}"
        return f"All {len(self.themes)} Corporate Plan themes"

    @property
    def rows(self) -> list[Row]:
        """Every measure once, in register order."""
        seen, out = set(), []
        for theme in self.themes:
            for row in theme.rows:
                if row.measure_id not in seen:
                    seen.add(row.measure_id)
                    out.append(row)
        return out

    def finance_cells(self, adverse_colour) -> list[list]:
        """:meth:`finance_rows` as document cells (:data:`FINANCE_HEADERS`): the position in ``adverse_colour``
        where it is adverse (its word says so too), and the commentary (the sources are cited once beneath:
        :meth:`finance_note`)."""
        adverse = wording.BUDGET["overspend"][0]
        return [
            [line, budget, forecast, variance, ([position], adverse_colour if adverse in position else None), said]
            for line, budget, forecast, variance, position, said, _source in self.finance_rows()
        ]

    def finance_note(self) -> str:
        """How to read the finance table, and where its figures were published (each source once)."""
        sources = self.finance.sources()
        return FINANCE_NOTE + (f" Source: {'; '.join(sources)}." if sources else "")

    def risk_cells(self) -> list[list]:
        """The risks as document cells (:data:`RISK_HEADERS`)."""
        return [
            [[r["Risk"], r["Notes"]], [r["What might happen"], f"Owner: {r['Owner (post)']}"], r["Score"]]
            + [[r["Measures"], r["Priority actions"]], r["Mitigation"]]
            for r in frames.records(self.risks)
        ]

    def finance_rows(self) -> list[list[str]]:
        """The financial position as table rows (:data:`scorecard.present.finance.TABLE_COLUMNS`), the total
        last; none when no service line is shown."""
        if self.finance.lines.empty:
            return []
        return self.finance.table().values.tolist() + [self.finance.total_row()]

    @property
    def exceptions(self) -> list[tuple[ThemeSection, Row]]:
        return [(theme, row) for theme in self.themes for row in theme.exceptions]

    @property
    def charted(self) -> list[Row]:
        """The rows the pack charts, each once: every theme's exceptions, or in the compact CPOR every measure of
        the deep dive."""
        if self.compact:
            return [row for theme in self.themes if theme.id == self.deep_dive for row in theme.rows]
        return list({row.measure_id: row for _, row in self.exceptions}.values())

    @property
    def forecasts_at_risk(self) -> list[Row]:
        """Measures whose year-end forecast is off track or at risk against the year's target, off track first."""
        order = {"off_track": 0, "at_risk": 1}
        return sorted((r for r in self.rows if r.forecast_status in order), key=lambda r: order[r.forecast_status])

    @functools.cached_property
    def year_outturn(self) -> list[Row]:
        """At the year's last quarter: the in-year measures with a target for the year, by their outturn, missed
        first (:func:`scorecard.present.views.year_outturn`)."""
        ids = set(views.year_outturn(self.frame)["measure_id"]) if self.frame is not None else set()
        order = {code: i for i, code in enumerate(rag_rule.RATED[::-1])}
        return sorted((r for r in self.rows if r.measure_id in ids), key=lambda r: order[r.rag])

    def outturn_cells(self) -> list[list[str]]:
        """The year's outturn table (:data:`OUTTURN_HEADERS`): the measures that missed their target."""
        return [
            [r.marked_title, r.value_cell, r.target_cell, r.rag_text] for r in self.year_outturn if r.rag != "green"
        ]

    def outturn_sentence(self) -> str:
        """How many in-year measures met the year's target (:func:`scorecard.present.views.outturn_sentence`)."""
        return views.outturn_sentence(views.year_outturn(self.frame))

    @property
    def without_commentary(self) -> list[Row]:
        """Measures red or amber against target with no commentary for the quarter (each once)."""
        return [row for row in self.rows if row.without_commentary]

    @property
    def actions(self) -> list[tuple[ThemeSection, ActionRow]]:
        return [(theme, action) for theme in self.themes for action in theme.actions]

    def action_counts(self) -> dict[str, int]:
        """Status in the council's key → how many priority actions."""
        return action_views.status_counts(pd.DataFrame({"status": [a.status for _, a in self.actions]}))

    def how_to_read(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Sections of (term, meaning) pairs explaining the judgements; labels from :mod:`scorecard.present.wording`."""
        rag = [(wording.rag_text(code), meaning) for code, (_, _, meaning) in wording.RAG.items()]
        rag.append(
            (
                "Note",
                "RAG ratings apply to performance indicators and key results with a target. Green means "
                "the target is met, Amber that it is missed but within the measure's tolerance, Red that "
                "it is missed beyond tolerance. Ratings always show a word and a symbol, never colour alone.",
            )
        )
        direction = [
            (wording.direction_text(code), text)
            for code, text in (
                ("improving", "Better than the previous period (polarity-aware)."),
                ("worsening", "Worse than the previous period."),
                ("no_change", "Within the measure's neutral band of the previous period."),
                (
                    "increasing",
                    "Higher than the previous period, for measures where higher is neither better nor worse.",
                ),
                ("decreasing", "Lower than the previous period, for measures where lower is neither better nor worse."),
                ("not_comparable", "No earlier value to compare with, or a series break between the two."),
            )
        ]
        direction.append(
            (
                "Year on year",
                "For quarterly and monthly measures the value is also compared with the same period a year earlier.",
            )
        )
        trend = [
            (
                "Recent trend",
                "A statistical test on the last five consecutive values, as used by OHID "
                "Fingertips: a chi-squared test for linear trend for proportions, otherwise an "
                "inverse-variance weighted regression; significant at 99.8%. It reads: "
                + "; ".join(wording.TREND.values())
                + ".",
            ),
            (
                wording.TREND["not_applied"],
                "As in Fingertips, the test is applied to annual series only: not to quarterly or monthly "
                "data, raw counts or pooled multi-year periods, nor across a break in the series.",
            ),
            (
                wording.TREND["cannot_be_calculated"],
                "Fewer than five consecutive values, or no counts or confidence intervals to test.",
            ),
        ]
        bench = [
            (
                "Neighbour quartile",
                "The council's position among its CIPFA nearest neighbours (Sefton and its "
                "15 most similar councils, as republished by Oflog), ordered so that rank 1 "
                "is best. The best quartile is the top quarter of the group.",
            ),
            (
                "Rank",
                "Rank N of M counts councils with a value for the same period; raw counts are not ranked "
                "because councils differ in size, unless compared as a rate of their denominator (households "
                "in temporary accommodation per 1,000 households).",
            ),
            (
                "Significance",
                "Where a confidence interval exists, Similar means the neighbour median lies "
                "inside the council's 95% interval; otherwise Better or Worse.",
            ),
        ]
        marks = [
            (
                "(illustrative)",
                "An illustrative figure or target for demonstration, not a council or published "
                "figure. It must not be quoted as council performance.",
            ),
            (
                "(proxy)",
                "The nearest published measure to the council's own definition; the definitions "
                "appendix says what the proxy actually measures.",
            ),
            ("(suppressed)", "Withheld by the publisher to protect confidentiality."),
            (
                "Exception",
                "Reporting to the Strategic Performance Group is by exception: a measure is an exception when "
                "it is significantly worse than its benchmark and worsening (red-red), red against target (in "
                "two reports running, on different figures, is persistent red), materially worse "
                "than the previous period or with a recent trend getting worse, red or amber with no "
                "commentary, missing or out of date, amber, or exceeding its target by more than its "
                "tolerance. Reasons are listed most severe first.",
            ),
            (
                wording.NO_COMMENTARY,
                "A measure red or amber against target for which the service has given no commentary "
                "(what happened and why, and the corrective action) for this quarter.",
            ),
        ]
        actions = [
            (f"{symbol} {label}", f"{meaning} (the council's key for annual actions).")
            for label, symbol, meaning in (wording.ACTION_STATUS[code] for code in action_views.STATUS_ORDER)
        ]
        return [
            ("RAG rating against target", rag),
            ("Direction of travel", direction),
            ("Recent trend", trend),
            ("Benchmarks", bench),
            ("Markings", marks),
            ("Annual actions", actions),
        ]


def summary_sentence(pack: Pack) -> str:
    """The conversation in one sentence: measures red or amber without commentary, and the priority actions
    by status (words from :mod:`scorecard.present.wording`)."""
    missing = len(pack.without_commentary)
    text = (
        f"{missing} measure red or amber against target has no commentary."
        if missing == 1
        else f"{missing} measures red or amber against target have no commentary."
    )
    counts = pack.action_counts()
    if sum(counts.values()):
        shown = ", ".join(f"{n} {wording.ACTION_STATUS[c][0].lower()}" for c, n in counts.items() if n)
        text += f" Priority actions ({sum(counts.values())}): {shown}."
    return text


def _text(value) -> str:
    return "" if missing(value) else str(value)


def _codes(value) -> list:
    """A list of codes from a list, tuple or array cell (empty when missing)."""
    return [] if value is None or (isinstance(value, float) and math.isnan(value)) else list(value)


def _int(value) -> int | None:
    return None if missing(value) else int(value)


def row_from_record(rec: dict) -> Row:
    """Word one evaluated scorecard record."""
    unit, decimals = rec["unit"], int(rec["decimals"])
    value = number(rec.get("value"))
    proxy = rec.get("data_match") == "proxy"
    status = _text(rec.get("status")) or "missing"
    illustrative = status == "illustrative"
    note = {
        "illustrative": "(illustrative)",
        "suppressed": "(suppressed)",
        "provisional": "(provisional)",
        "revised": "(revised)",
    }.get(status, "")
    target = number(rec.get("target"))
    target_illustrative = bool(rec.get("target_illustrative")) if not missing(rec.get("target_illustrative")) else False
    basis = _text(rec.get("target_basis"))
    if target is None:
        target_text, target_note = ("–", "")
    else:
        target_text = wording.format_value(target, unit, decimals)
        notes = []
        if wording.TARGET_BASIS_NOTE.get(basis):
            notes.append(f"({wording.TARGET_BASIS_NOTE[basis]})")
        if target_illustrative:
            notes.append("(illustrative)")
        target_note = " ".join(notes)
    rank, size, quartile = _int(rec.get("rank")), _int(rec.get("group_size")), _int(rec.get("quartile"))
    quartile_text = wording.QUARTILE.get(quartile, "") if quartile else ""
    if quartile_text and rank and size:
        bench = f"{quartile_text[0].upper()}{quartile_text[1:]} ({rank} of {size})"
    elif rank and size:
        bench = f"Rank {rank} of {size}"
    else:
        bench = "Not ranked"
    if (rank and size) and _text(rec.get("compared_as")):
        bench += f" as a rate {rec['compared_as']}"
    trend = _text(rec.get("trend"))
    significance = _text(rec.get("significance"))
    direction = _text(rec.get("direction"))
    report_end = rec.get("report_end")
    said = "" if rec.get("commentary_auto_drafted") else _text(rec.get("narrative"))  # the service's, never the draft
    return Row(
        measure_id=rec["measure_id"],
        title=rec["title"],
        display_title=wording.marked_title(rec["title"], rec.get("data_match"), unit),
        theme_ids=[t.strip() for t in _text(rec.get("themes") or rec.get("theme")).split(",") if t.strip()],
        info_type=_text(rec.get("info_type")),
        unit=unit,
        decimals=decimals,
        value=value,
        value_text=wording.format_value(value, unit, decimals),
        period_label=_text(rec.get("period_label")),
        status=status,
        illustrative=illustrative,
        proxy=proxy,
        data_match=_text(rec.get("data_match")),
        proxy_for=_text(rec.get("proxy_for")),
        value_note=note,
        target=target,
        target_text=target_text,
        target_note=target_note,
        target_illustrative=target_illustrative,
        target_basis=basis,
        target_rationale=_text(rec.get("target_rationale")),
        rag=_text(rec.get("rag")),
        rag_text=wording.rag_text(_text(rec.get("rag"))),
        direction=direction,
        direction_text=wording.direction_text(direction),
        direction_yoy_text=wording.direction_text(_text(rec.get("direction_year_on_year"))),
        trend_text=wording.trend_text(
            trend, rec.get("trend_reason"), rec.get("period_kind"), _text(rec.get("series_break")) or None
        ),
        benchmark_text=bench,
        benchmark_group_name=_text(rec.get("benchmark_group_name")),
        rank=rank,
        group_size=size,
        quartile=quartile,
        quartile_text=quartile_text,
        benchmark_median=number(rec.get("benchmark_median")),
        england_value=number(rec.get("england_value")),
        significance_text=wording.SIGNIFICANCE.get(significance, significance),
        exception_reasons=[wording.exception_text(str(code)) for code in _codes(rec.get("exception_reasons"))],
        exception_severity=_int(rec.get("exception_severity")) or 0,
        exception_tier=_text(rec.get("exception_tier")),
        forecast_text=tables.forecast_text(rec),
        forecast_status=_text(rec.get("forecast_status")),
        forecast_status_text=tables.forecast_status_text(rec.get("forecast_status")),
        year_complete=rec.get("forecast_reason") == "year_complete",
        owner=_text(rec.get("metric_responsibility")),
        summary=_text(rec.get("summary")),
        previous_value=number(rec.get("previous_value")),
        previous_period=_text(rec.get("previous_period")),
        report_end=None if missing(report_end) else pd.Timestamp(report_end).date(),
        narrative=said,
        corrective_action=_text(rec.get("corrective_action")) if said else "",
        action_owner_line=commentary.owner_line(rec) if said else "",
        commentary_written=commentary.written_line(rec) if said else "",
        commentary_marks=commentary.marks(rec) if said else [],
        without_commentary=bool(rec.get("without_commentary", False)),
    )


def action_row(rec: dict) -> ActionRow:
    """Word one priority action's update (a row of :func:`scorecard.present.actions.for_quarter`)."""
    return ActionRow(
        title=rec["title"],
        status=rec["status"],
        status_text=wording.action_status_text(rec["status"]),
        percent_text=wording.percent_text(rec["percent_complete"]),
        narrative=rec["narrative"],
        written=commentary.written_line(rec),
        marks=commentary.marks(rec),
    )


def data_as_at(ctx: Context) -> date:
    """:func:`scorecard.present.views.data_as_at` (1 Jan 2000 for an empty folder, which has nothing to show)."""
    return views.data_as_at(ctx) or date(2000, 1, 1)


def _definitions(reg: register.Register, frame: pd.DataFrame, con, published: bool = False) -> list[Definition]:
    """Every measure's definition and source; in a published pack an illustrative target's basis and rationale
    read as awaiting, like its figure (:mod:`scorecard.governance.withhold`)."""
    batches = con.execute("SELECT batch_id, publisher, licence FROM batches").df().set_index("batch_id")
    batch_of = dict(zip(frame["measure_id"], frame["batch_id"]))
    theme_titles = {t.id: t.title for t in reg.themes}
    out = []
    for m in reg.measures:
        if m.source.match != "none" and m.source.dataset:
            ds = reg.dataset(m.source.dataset)
            publisher, dataset, licence = ds.publisher, ds.title, ds.licence
        else:
            batch = batch_of.get(m.id)
            if not missing(batch) and batch in batches.index:
                publisher, licence = batches.loc[batch, "publisher"], batches.loc[batch, "licence"]
            else:
                publisher, licence = COUNCIL, "Council data"
            dataset = (
                "Council quarterly return – awaiting the service's return"
                if published and m.source.returns == "illustrative"
                else "Quarterly return – illustrative values for demonstration"
                if m.source.returns == "illustrative"
                else "Council quarterly return"
            )
        target = None if published and m.target is not None and m.target.illustrative else m.target
        out.append(
            Definition(
                measure_id=m.id,
                title=m.title,
                themes=", ".join(theme_titles.get(t, t) for t in m.themes),
                info_type=wording.INFO_TYPE[m.info_type],
                polarity=wording.POLARITY[m.polarity],
                unit=m.unit,
                frequency=m.frequency.replace("_", " "),
                definition=m.definition,
                what_good_looks_like=m.what_good_looks_like,
                caveats=list(m.caveats),
                source_match=wording.DATA_MATCH[m.source.match],
                proxy_for=m.source.proxy_for,
                publisher=publisher,
                dataset=dataset,
                licence=licence,
                target_basis=(
                    wording.TARGET_BASIS[target.basis]
                    if target
                    else wording.RAG[rag_rule.AWAITING][2]
                    if m.target is not None
                    else "No target"
                ),
                target_rationale=(target.rationale if target else ""),
                theme_responsibility=m.theme_responsibility,
                metric_responsibility=m.metric_responsibility,
            )
        )
    return out


def written_messages(quarter: str, data_dir: str | Path | None = None) -> dict | None:
    """The CPOR's key messages as BI wrote them for the quarter (None: the front sheet's auto-draft)."""
    held = conversation.current(ledger.KEY_MESSAGES, quarter, data_dir) if quarter else None
    return held.iloc[-1].to_dict() if held is not None and len(held) else None


def _noop(fraction: float, message: str) -> None:
    return None


def build(
    ctx: Context,
    period: str | None = None,
    theme: str | None = None,
    progress: Progress | None = None,
    scope: plan.Scope | None = None,
    full: bool = False,
    deep_dive: str | None = None,
    inputs: Inputs | None = None,
    sign_off: str | None = None,
) -> Pack:
    """Evaluate the scorecard and word it as a :class:`Pack` (``theme`` limits it to one theme). With ``scope``
    (:func:`scorecard.register.plan.scope`) it is that directorate's or portfolio's Quarterly Service Report:
    only its measures, priority actions, budget service lines and the risks linked to them, under their themes.
    The whole council's CPOR is compact — the Cabinet report frame, the front sheet, the exceptions, one thematic
    deep dive (``deep_dive``, default :func:`scorecard.register.releases.deep_dive`) and appendices — unless
    ``full`` asks for every theme in full. ``inputs``: what the reader may see (default: the current data);
    ``sign_off``: the CPOR's state, shown in its report header."""
    progress = progress or _noop
    reg, data_dir, area = ctx.reg, ctx.folder, ctx.area
    if theme is not None:
        reg.theme(theme)  # KeyError for an unknown theme, before any work
    progress(0.02, f"Evaluating the scorecard for {period or 'the latest quarter'}")
    frame = inputs.card if inputs else views.scorecard(ctx, period)
    quarter = str(frame["report_period"].iloc[0]) if len(frame) else (period or "")
    said = inputs.commentary if inputs else conversation.current(ledger.COMMENTARY, quarter, data_dir)
    frame = commentary.attach(frame, said, reg)
    done = inputs.updates if inputs else conversation.current(ledger.ACTION_UPDATES, quarter, data_dir)
    updates = action_views.for_quarter(reg, done)
    rows = [row_from_record(rec) for rec in frames.records(frame)]
    sections = []
    for t in reg.themes:
        if theme is not None and t.id != theme:
            continue
        own_rows = [r for r in rows if t.id in r.theme_ids and (scope is None or r.measure_id in scope.measures)]
        own_actions = [
            action_row(a)
            for a in frames.records(updates)
            if a["theme"] == t.id and (scope is None or a["action_id"] in scope.actions)
        ]
        if scope is not None and not own_rows and not own_actions:
            continue
        sections.append(ThemeSection(t.id, t.title, t.corporate_plan_title, t.responsibility, own_rows, own_actions))
    con = db.connect(data_dir)
    wanted = {r.measure_id for s in sections for r in s.rows}
    definitions = [d for d in _definitions(reg, frame, con, inputs is not None) if d.measure_id in wanted]
    report_end = frame["report_end"].dropna()
    period_label = str(frame["report_period"].iloc[0]) if len(frame) else (period or "")
    held_risks = risk_views.held(reg, inputs.risks if inputs else conversation.risks(quarter, data_dir))
    if scope is not None:
        held_risks = risk_views.linked(held_risks, scope.measures, scope.actions)
    risk_note = (
        "There is no public risk register: the risks shown are illustrative, made up for demonstration."
        if len(held_risks) and held_risks["illustrative"].all()
        else ""
    )
    position = finance_views.position(
        reg,
        inputs.finance if inputs else conversation.finance(quarter, data_dir),
        quarter,
        scope.service_lines if scope else None,
    )
    report = periods.parse_label(quarter) if quarter else None
    compact = not full and scope is None and theme is None
    if deep_dive is not None:
        reg.theme(deep_dive)  # KeyError for an unknown theme
    progress(0.08, f"Scorecard evaluated: {len(wanted)} measures in {len(sections)} theme(s)")
    return Pack(
        council=COUNCIL,
        title=QSR_TITLE if scope else REPORT_TITLE,
        area_code=area,
        area_name=str(frame["area_name"].iloc[0]) if len(frame) else area,
        period=period_label,
        period_end=pd.Timestamp(report_end.iloc[0]).date() if len(report_end) else None,
        data_as_at=data_as_at(ctx),
        themes=sections,
        definitions=definitions,
        scope_theme=theme,
        ctx=ctx,
        frame=frame,
        finance=position,
        risks=risk_views.table(held_risks, reg),
        risk_note=risk_note,
        scope=scope,
        front=front_sheet.build(
            frame, updates, position, quarter, inputs.key_messages if inputs else written_messages(quarter, data_dir)
        )
        if len(frame)
        else None,
        deep_dive=(deep_dive or (releases.deep_dive(reg, report) if report else None)) if compact else None,
        compact=compact,
        meeting=releases.report_month(report) if report else None,
        sign_off=sign_off,
        series=inputs.series if inputs else None,
    )
