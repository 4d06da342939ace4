"""``python -m scorecard template``: pre-filled return templates (CSV or XLSX) for officers to fill in.

Every kind loads back with ``python -m scorecard ingest`` (or the Upload page) unchanged apart from the
filled cells; the grey informational columns (title, unit, last_period, last_value, …) are ignored on load.
``figures``: a row per measure and period due; ``commentary``: a row per measure for the reporting quarter
(what happened and why, the corrective action, its owner — a role — and due date); ``actions``: a row per
Corporate Plan priority action with its last status; ``targets``: a row per measure that can have a target,
for the quarter's financial year, with the target in force now; ``finance``: a row per budget service line (the
revenue budget monitoring: budget, forecast outturn, variance in £m); ``risks``: a row per risk held, to re-score
(likelihood and impact), linked to the measures and priority actions it threatens.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd

from scorecard import SEFTON, register
from scorecard.ingest import reader
from scorecard.register import targets
from scorecard.store import ledger, periods, storage, text

KINDS = ("figures", "targets", "commentary", "actions", "finance", "risks")
FIGURE_COLUMNS = [
    "measure_id",
    "title",
    "unit",
    "frequency",
    "area_code",
    "period",
    "last_period",
    "last_value",
    "value",
    "numerator",
    "denominator",
    "status",
    "note",
]
TARGET_COLUMNS = [
    "measure_id",
    "title",
    "unit",
    "polarity",
    "financial_year",
    "current_basis",
    "current_target",
    "current_tolerance",
    "basis",
    "target",
    "tolerance",
    "rationale",
    "approved_by",
    "approved_on",
]
COMMENTARY_COLUMNS = [
    "measure_id",
    "title",
    "period",
    "last_period",
    "last_value",
    "narrative",
    "corrective_action",
    "action_owner",
    "due_date",
    "author",
]
ACTION_COLUMNS = [
    "action_id",
    "theme",
    "action",
    "period",
    "last_status",
    "last_percent_complete",
    "status",
    "percent_complete",
    "narrative",
    "author",
]
FINANCE_COLUMNS = [
    "service_line",
    "title",
    "period",
    "last_period",
    "last_budget",
    "last_forecast_outturn",
    "budget",
    "forecast_outturn",
    "variance",
    "commentary",
    "reference",
    "author",
]
RISK_COLUMNS = [
    "risk_id",
    "title",
    "owner_role",
    "period",
    "last_period",
    "last_score",
    "likelihood",
    "impact",
    "score",
    "linked_measures",
    "linked_actions",
    "mitigation",
    "reference",
    "author",
]
COLUMNS = {
    "figures": FIGURE_COLUMNS,
    "targets": TARGET_COLUMNS,
    "commentary": COMMENTARY_COLUMNS,
    "actions": ACTION_COLUMNS,
    "finance": FINANCE_COLUMNS,
    "risks": RISK_COLUMNS,
}
EDITABLE = {
    kind: set(required + optional) - {"measure_id", "action_id", "period", "financial_year", "area_code"}
    for kind, (required, optional, _) in reader.KIND_COLUMNS.items()
}
"""The white (editable) columns of each kind; the rest are grey, for information."""
NOTES = {
    "figures": [
        "value: a plain number (percentages as 0-100). Withheld figures: put c in value or suppressed in status.",
        "status: ok (default), provisional or suppressed. Leave a row blank to skip it.",
    ],
    "commentary": [
        "narrative: what happened and why. corrective_action: what is being done, by action_owner (a role, "
        "e.g. Service Manager) by due_date (2026-02-12 or 12/02/2026). Plain text; at most 4,000 characters.",
        "author: who wrote it (blank = the person loading the file). Leave a row blank to skip it.",
    ],
    "actions": [
        "status: RED at risk of not being completed, AMBER delayed, GREEN progressing as planned, BLUE complete, "
        "NEW identified in this update. percent_complete: 0-100.",
        "narrative: the progress made this quarter. Leave a row blank to skip it.",
    ],
    "targets": [
        "target: a number for a fixed target, or leave it blank and give a basis: cipfa_median, england or "
        "previous_year. tolerance: how far short is still amber.",
        "approved_by and approved_on (e.g. Cabinet, 2027-02-04): both, or neither while the target is proposed.",
        "A new target never overwrites: earlier years keep the target that was in force then.",
    ],
    "finance": [
        "budget, forecast_outturn and variance in £ million (e.g. 121.738; negative for net income). variance is "
        "forecast_outturn - budget (positive = overspend); leave it blank to have it worked out.",
        "commentary: the reasons for a variance and the action being taken. reference: where the figures were "
        "reported (e.g. the Cabinet report and paragraph). Leave a row blank to skip it.",
    ],
    "risks": [
        "likelihood and impact: whole numbers 1-5 (score = likelihood x impact). owner_role: the post that owns "
        "the risk, never a person's name.",
        "linked_measures / linked_actions: ids from kpi_definitions.yaml separated by ';' (at least one), so the "
        "risk is shown beside them. Add a row for a new risk; leave a row blank to skip it.",
    ],
}


def _latest_ending_by(kind: str, day: date, example: periods.Period | None) -> periods.Period:
    """The latest period of ``kind`` that has ended by ``day``."""
    if kind == "financial_year":
        fy = periods.financial_year(day.year if day.month >= 4 else day.year - 1)
        return fy if fy.end <= day else periods.financial_year(fy.seq - 1)
    if kind == "academic_year":
        ay = periods.academic_year(day.year if day.month >= 9 else day.year - 1)
        return ay if ay.end <= day else periods.academic_year(ay.seq - 1)
    if kind == "calendar_year":
        return periods.calendar_year(day.year if day.month == 12 and day.day == 31 else day.year - 1)
    if kind == "snapshot" and example is not None:
        candidate = date(day.year, example.end.month, example.end.day)
        return periods.snapshot(candidate if candidate <= day else date(day.year - 1, candidate.month, candidate.day))
    return periods.quarter_of(day)


def periods_for(
    measure: register.Measure, quarter: periods.Period, kinds: set[str], example: periods.Period | None = None
) -> list[periods.Period]:
    """The period(s) a measure is returned for in a reporting quarter (3 months for monthly measures)."""
    if measure.frequency == "monthly":
        first = quarter.start
        return [
            periods.month((first.year * 12 + first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1)
            for i in range(3)
        ]
    if measure.frequency == "quarterly":
        return [quarter]
    kind = {"financial_year": "financial_year", "academic_year": "academic_year", "calendar_year": "calendar_year"}.get(
        measure.frequency
    )
    if kind is None:  # annual: the kind the data already has (financial year by default)
        kind = sorted(kinds)[0] if kinds else "financial_year"
    return [_latest_ending_by(kind, quarter.end, example)]


def select(reg: register.Register, measure: str | None = None, theme: str | None = None) -> list[register.Measure]:
    """The measures a template covers: one measure, one theme's or all (KeyError names an unknown id)."""
    if measure:
        return [reg.measure(measure)]
    if theme:
        reg.theme(theme)
        return [m for m in reg.measures if theme in m.themes]
    return list(reg.measures)


def frame(
    kind: str,
    period: str,
    measures: list[register.Measure],
    reg: register.Register,
    data_dir: str | Path | None = None,
    area: str = SEFTON,
) -> pd.DataFrame:
    """The template's rows."""
    if kind not in KINDS:
        raise ValueError(f"unknown template kind {kind!r}; expected one of {', '.join(KINDS)}")
    quarter = periods.parse_label(period)
    if quarter.kind != "quarter":
        raise ValueError(f"--period must be a quarter like '2025/26 Q2', not {period!r}")
    obs = pd.DataFrame(columns=["measure_id", "period_kind", "period_label", "period_end", "value", "status"])
    folder = Path(data_dir) if data_dir else storage.default_data_dir()
    if storage.table_path(folder, "observations").is_file():
        obs = pd.read_parquet(
            storage.table_path(folder, "observations"),
            columns=[
                "measure_id",
                "area_code",
                "period_kind",
                "period_label",
                "period_start",
                "period_end",
                "value",
                "status",
            ],
            filters=[("area_code", "==", area)],
        )
    by_measure = {k: g.sort_values("period_end") for k, g in obs.groupby("measure_id")}
    if kind == "actions":
        return pd.DataFrame(_action_rows(measures, quarter, reg, folder), columns=ACTION_COLUMNS)
    if kind == "targets":
        return pd.DataFrame(_target_rows(measures, quarter, reg, folder), columns=TARGET_COLUMNS)
    if kind == "finance":
        return pd.DataFrame(_finance_rows(quarter, reg, folder), columns=FINANCE_COLUMNS)
    if kind == "risks":
        return pd.DataFrame(_risk_rows(measures, quarter, folder), columns=RISK_COLUMNS)
    rows = []
    for measure in measures:
        held = by_measure.get(measure.id, obs.iloc[0:0])
        if kind == "commentary":  # one row per measure for the reporting quarter, with its latest figure
            before = held[pd.to_datetime(held["period_end"]) <= pd.Timestamp(quarter.end)]
            last = before.iloc[-1] if len(before) else None
            rows.append(
                {
                    "measure_id": measure.id,
                    "title": measure.title,
                    "period": quarter.label,
                    "last_period": "" if last is None else last["period_label"],
                    "last_value": None if last is None else last["value"],
                }
            )
            continue
        example = None
        if len(held):
            last = held.iloc[-1]
            example = periods.Period(
                last["period_kind"],
                last["period_label"],
                pd.Timestamp(last["period_start"]).date(),
                pd.Timestamp(last["period_end"]).date(),
                0,
            )
        for due in periods_for(measure, quarter, set(held["period_kind"]), example):
            before = held[pd.to_datetime(held["period_end"]) < pd.Timestamp(due.end)]
            last = before.iloc[-1] if len(before) else None
            rows.append(
                {
                    "measure_id": measure.id,
                    "title": measure.title,
                    "period": due.label,
                    "last_value": None if last is None else last["value"],
                    "unit": measure.unit,
                    "frequency": measure.frequency,
                    "area_code": area,
                    "last_period": "" if last is None else last["period_label"],
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS[kind])


def _action_rows(measures: list[register.Measure], quarter: periods.Period, reg: register.Register, folder: Path):
    """A row per priority action of the measures' themes, with its latest update up to the quarter."""
    themes = {t for m in measures for t in m.themes}
    updates = ledger.as_at(ledger.ACTION_UPDATES, quarter.label, folder, each="action_id").set_index("action_id")
    rows = []
    for action in reg.priority_actions:
        if action.theme not in themes:
            continue
        last = updates.loc[action.id] if action.id in updates.index else None
        rows.append(
            {
                "action_id": action.id,
                "theme": action.theme,
                "action": action.title,
                "period": quarter.label,
                "last_status": "" if last is None else f"{last['status']} ({last['period']})",
                "last_percent_complete": None if last is None else last["percent_complete"],
            }
        )
    return rows


def _finance_rows(quarter: periods.Period, reg: register.Register, folder: Path):
    """A row per budget service line, with its latest budget and forecast outturn up to the quarter."""
    held = ledger.as_at(ledger.FINANCE, quarter.label, folder, each="service_line").set_index("service_line")
    rows = []
    for line in reg.service_lines:
        last = held.loc[line.id] if line.id in held.index else None
        rows.append(
            {
                "service_line": line.id,
                "title": line.title,
                "period": quarter.label,
                "last_period": "" if last is None else last["period"],
                "last_budget": None if last is None else last["budget"],
                "last_forecast_outturn": None if last is None else last["forecast_outturn"],
            }
        )
    return rows


def _risk_rows(measures: list[register.Measure], quarter: periods.Period, folder: Path):
    """A row per risk held (its latest review up to the quarter) that links to one of the measures or to a
    priority action, to re-score: who owns it and what it links to are filled in, the scores left blank."""
    held = ledger.as_at(ledger.RISKS, quarter.label, folder, each="risk_id").set_index("risk_id")
    wanted = {m.id for m in measures}
    rows = []
    for risk_id, last in held.iterrows():
        linked = {i for i in str(last["measures"]).split("; ") if i}
        if linked and not linked & wanted and not last["actions"]:
            continue
        rows.append(
            {
                "risk_id": risk_id,
                "title": last["title"],
                "owner_role": last["owner_role"],
                "period": quarter.label,
                "last_period": last["period"],
                "last_score": last["score"],
                "linked_measures": last["measures"],
                "linked_actions": last["actions"],
            }
        )
    return rows


def _target_rows(measures: list[register.Measure], quarter: periods.Period, reg: register.Register, folder: Path):
    """A row per measure that can have a target, for the quarter's financial year, with the target in force."""
    year = periods.financial_year(quarter.seq // 4).label
    loaded = ledger.read(ledger.TARGET_VERSIONS, folder)
    now = targets.for_year(reg, targets.versions(reg, loaded), year).set_index("measure_id")
    rows = []
    for measure in measures:
        if measure.info_type == "contextual" or measure.polarity == "no_judgement":
            continue  # never target-set
        current = now.loc[measure.id]
        rows.append(
            {
                "measure_id": measure.id,
                "title": measure.title,
                "unit": measure.unit,
                "polarity": measure.polarity,
                "financial_year": year,
                "current_basis": current["basis"],
                "current_target": current["value"],
                "current_tolerance": current["tolerance"],
            }
        )
    return rows


def render(table: pd.DataFrame, kind: str, fmt: str, period: str) -> bytes:
    """The template file's bytes: CSV (UTF-8) or XLSX with the rows on a sheet named after the kind — text never
    read as a formula (CSV cells neutralised, XLSX cells written as strings)."""
    if fmt == "csv":
        return text.csv_bytes(table, lineterminator="\n")
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}; expected csv or xlsx")
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        table.to_excel(writer, sheet_name=kind, index=False)
        book, sheet = writer.book, writer.sheets[kind]
        locked = book.add_format({"bg_color": "#EEEEEE"})
        for number, column in enumerate(table.columns):
            longest = table[column].astype(str).str.len().max() if len(table) else 0
            width = max(12, min(60, int(0 if pd.isna(longest) else longest) + 2))
            editable = column in EDITABLE[kind]
            sheet.set_column(number, number, width, None if editable else locked)
        if "status" in table.columns and kind == "figures" and len(table):
            col = list(table.columns).index("status")
            sheet.data_validation(
                1, col, len(table), col, {"validate": "list", "source": ["ok", "provisional", "suppressed"]}
            )
        sheet.freeze_panes(1, 1)
        about = book.add_worksheet("about")
        notes = [
            f"Sefton performance scorecard — {kind} return template for {period}",
            "Fill in the white columns only; grey columns are for information and are ignored on load.",
            *NOTES[kind],
            "Load with: python -m scorecard ingest FILE  (or the Upload page).",
        ]
        for number, note in enumerate(notes):
            about.write(number, 0, note)
        about.set_column(0, 0, 110)
    return buffer.getvalue()
