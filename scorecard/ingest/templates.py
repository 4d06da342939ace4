"""``python -m scorecard template``: pre-filled return templates (CSV or XLSX) for officers to fill in.

``figures`` templates load back with ``python -m scorecard ingest`` unchanged apart from the filled cells
(the informational columns title, unit, frequency, last_period, last_value are ignored on load).
``targets``, ``commentary`` and ``actions`` templates are written for officers to fill in; loading them
is not built yet.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd

from scorecard import SEFTON, register
from scorecard.store import periods, storage, text

KINDS = ("figures", "targets", "commentary", "actions")
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
    "current_target",
    "current_tolerance",
    "target",
    "tolerance",
    "rationale",
    "set_by",
]
COMMENTARY_COLUMNS = ["measure_id", "title", "period", "last_value", "text", "corrective_action", "author", "status"]
ACTION_COLUMNS = ["id", "theme", "title", "owner", "period", "percent_complete", "rag", "narrative"]


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
    rows = []
    for measure in measures:
        held = by_measure.get(measure.id, obs.iloc[0:0])
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
        if kind == "targets":
            target = measure.target
            fy = periods.financial_year(quarter.seq // 4)
            rows.append(
                {
                    "measure_id": measure.id,
                    "title": measure.title,
                    "unit": measure.unit,
                    "polarity": measure.polarity,
                    "financial_year": fy.label,
                    "current_target": target.value if target else None,
                    "current_tolerance": target.tolerance if target else None,
                }
            )
            continue
        if kind == "actions":
            continue
        for due in periods_for(measure, quarter, set(held["period_kind"]), example):
            before = held[pd.to_datetime(held["period_end"]) < pd.Timestamp(due.end)]
            last = before.iloc[-1] if len(before) else None
            row = {
                "measure_id": measure.id,
                "title": measure.title,
                "period": due.label,
                "last_value": None if last is None else last["value"],
            }
            if kind == "figures":
                row.update(
                    {
                        "unit": measure.unit,
                        "frequency": measure.frequency,
                        "area_code": area,
                        "last_period": "" if last is None else last["period_label"],
                    }
                )
            else:
                row["status"] = "draft"
            rows.append(row)
    if kind == "actions":
        rows = [{"theme": t.id, "period": quarter.label} for t in reg.themes]
    columns = {
        "figures": FIGURE_COLUMNS,
        "targets": TARGET_COLUMNS,
        "commentary": COMMENTARY_COLUMNS,
        "actions": ACTION_COLUMNS,
    }[kind]
    return pd.DataFrame(rows, columns=columns)


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
            editable = column in (
                "value",
                "numerator",
                "denominator",
                "status",
                "note",
                "target",
                "tolerance",
                "rationale",
                "set_by",
                "text",
                "corrective_action",
                "author",
                "percent_complete",
                "rag",
                "narrative",
                "title" if kind == "actions" else "-",
                "owner",
                "id",
            )
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
            "value: a plain number (percentages as 0-100). Withheld figures: put c in value or suppressed in status.",
            "status: ok (default), provisional or suppressed. Leave a row blank to skip it.",
            "Load with: python -m scorecard ingest FILE  (or the Upload page).",
        ]
        if kind != "figures":
            notes.append("Loading this kind of template is not available yet: send it to the BI team.")
        for number, note in enumerate(notes):
            about.write(number, 0, note)
        about.set_column(0, 0, 110)
    return buffer.getvalue()
