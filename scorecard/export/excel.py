"""The CPOR pack as an Excel workbook (xlsxwriter).

Sheets: Summary (title, RAG and direction counts, how to read, attribution), one per theme, Exceptions (with
the service's commentary), Annual actions and Definitions. Figures are numeric cells with a number format
matching the scorecard's display (``21.0%`` is the number 21.0 shown as ``0.0"%"``), header rows are frozen
and filtered, columns sized; text people wrote is neutralised (:mod:`scorecard.store.text`). The workbook's
created date is the data date, so the same data and period give the same bytes.
"""

from __future__ import annotations

import io
from datetime import datetime

import xlsxwriter

from scorecard.export.content import (
    DIRECTION_SUMMARY_HEADERS,
    FINANCE_NOTE,
    RAG_SUMMARY_HEADERS,
    Pack,
    Progress,
    Row,
    direction_summary,
    rag_summary,
    summary_sentence,
    theme_sheet_name,
)
from scorecard.present import wording
from scorecard.present.risks import TABLE_COLUMNS as RISK_TABLE_COLUMNS
from scorecard.store import frames, text

HEADER_ROW = 2
"""Zero-based row of the column headers on the theme, Exceptions and Definitions sheets (rows above: title)."""

# (header, width) of the theme sheets
THEME_COLUMNS = [
    ("ID", 30),
    ("Measure", 48),
    ("Type", 20),
    ("Value", 12),
    ("Unit", 11),
    ("Period", 13),
    ("Status", 12),
    ("Data match", 14),
    ("Target", 12),
    ("Target basis", 24),
    ("Target illustrative", 11),
    ("RAG", 13),
    ("Direction", 18),
    ("Year on year", 18),
    ("Recent trend", 28),
    ("Rank", 7),
    ("Group size", 8),
    ("Quartile", 16),
    ("Neighbour median", 12),
    ("England", 12),
    ("Significance", 13),
    ("Exception", 10),
    ("Exception reasons", 44),
    ("Responsible officer", 40),
    ("Summary", 90),
]
EXCEPTION_COLUMNS = [
    ("Theme", 24),
    ("ID", 30),
    ("Measure", 48),
    ("Value", 12),
    ("Unit", 11),
    ("Period", 13),
    ("Status", 12),
    ("Target", 12),
    ("RAG", 13),
    ("Direction", 18),
    ("Exception reasons", 48),
    ("Responsible officer", 40),
    ("Summary", 90),
    ("Commentary", 70),
    ("Corrective action", 50),
    ("Action owner and due date", 30),
    ("Commentary written", 30),
    ("Commentary notes", 20),
    ("Red or amber without commentary", 14),
    ("Tier", 14),
]
ACTION_COLUMNS = [
    ("Theme", 24),
    ("Priority action", 60),
    ("Status", 34),
    ("Progress", 14),
    ("Update", 70),
    ("Written", 30),
    ("Notes", 20),
]
FINANCE_COLUMNS = [
    ("Service line", 30),
    ("Service line id", 28),
    ("Budget (£m)", 12),
    ("Forecast outturn (£m)", 14),
    ("Variance (£m)", 12),
    ("Position", 34),
    ("Forecast as at", 13),
    ("Commentary", 70),
    ("Source", 90),
]
RISK_COLUMNS = [(name, 12 if name in ("Risk", "Reviewed", "Notes") else 40) for name in RISK_TABLE_COLUMNS]
DEFINITION_COLUMNS = [
    ("ID", 30),
    ("Measure", 48),
    ("Theme(s)", 24),
    ("Type", 20),
    ("Polarity", 20),
    ("Unit", 12),
    ("Frequency", 14),
    ("Definition", 70),
    ("What good looks like", 40),
    ("Caveats", 70),
    ("Source match", 14),
    ("Proxy for", 50),
    ("Publisher", 36),
    ("Dataset", 40),
    ("Licence", 26),
    ("Target basis", 24),
    ("Target rationale", 50),
    ("Theme responsibility", 36),
    ("Metric responsibility", 40),
]


def number_format(unit: str, decimals: int) -> str:
    """An Excel number format that shows a value as :func:`scorecard.present.wording.format_value` writes it."""
    digits = "#,##0" + ("." + "0" * int(decimals) if int(decimals) > 0 else "")
    if unit == "gbp":
        return f'"£"{digits}'
    if unit == "gbp_thousands":
        return f'"£"{digits}"k"'
    suffix = wording.UNIT_SUFFIX.get(unit, "")
    return digits + (f'"{suffix}"' if suffix else "")


class _Formats:
    def __init__(self, book):
        self.book = book
        self.cache: dict = {}
        self.header = book.add_format(
            {
                "bold": True,
                "font_color": "#FFFFFF",
                "bg_color": "#1F4E79",
                "text_wrap": True,
                "valign": "top",
                "border": 1,
                "border_color": "#A6A6A6",
            }
        )
        self.title = book.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E79"})
        self.subtitle = book.add_format({"italic": True, "font_color": "#505050"})
        self.text = book.add_format({"valign": "top"})
        self.wrap = book.add_format({"valign": "top", "text_wrap": True})
        self.bold = book.add_format({"bold": True, "valign": "top"})
        self.int = book.add_format({"num_format": "0", "valign": "top"})

    def number(self, unit: str, decimals: int):
        key = ("n", unit, int(decimals))
        if key not in self.cache:
            self.cache[key] = self.book.add_format({"num_format": number_format(unit, decimals), "valign": "top"})
        return self.cache[key]

    def _bold(self, colour: str):
        key = ("bold", colour)
        if key not in self.cache:
            self.cache[key] = self.book.add_format({"bold": True, "valign": "top", "font_color": colour})
        return self.cache[key]

    def action(self, code: str):
        return self._bold(wording.ACTION_COLOURS.get(code, "#000000"))

    def rag(self, code: str):
        return self._bold(wording.RAG_COLOURS.get(code, "#000000"))


def _num(sheet, r: int, c: int, value, fmt) -> None:
    if value is None:
        sheet.write_blank(r, c, None, fmt)
    else:
        sheet.write_number(r, c, float(value), fmt)


def _header(sheet, f: _Formats, columns, title: str, subtitle: str, freeze_cols: int) -> None:
    sheet.write_string(0, 0, title, f.title)
    sheet.write_string(1, 0, subtitle, f.subtitle)
    for c, (name, width) in enumerate(columns):
        sheet.write_string(HEADER_ROW, c, name, f.header)
        sheet.set_column(c, c, width)
    sheet.set_row(HEADER_ROW, 30)
    sheet.freeze_panes(HEADER_ROW + 1, freeze_cols)


def _finish(sheet, columns, n_rows: int) -> None:
    sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + max(n_rows, 1), len(columns) - 1)


def _theme_row(sheet, f: _Formats, r: int, row: Row) -> None:
    fmt = f.number(row.unit, row.decimals)
    cells = [
        (row.measure_id, None),
        (row.display_title, f.wrap),
        (wording.INFO_TYPE[row.info_type], None),
        (row.value, fmt),
        (wording.UNIT_LABEL.get(row.unit, row.unit), None),
        (row.period_label, None),
        (wording.STATUS.get(row.status, row.status), None),
        (wording.DATA_MATCH[row.data_match], None),
        (row.target, fmt),
        (wording.TARGET_BASIS.get(row.target_basis, ""), None),
        (("Yes" if row.target_illustrative else "No") if row.target is not None else "", None),
        (row.rag_text, f.rag(row.rag)),
        (row.direction_text, None),
        (row.direction_yoy_text, None),
        (row.trend_text, None),
        (row.rank, f.int),
        (row.group_size, f.int),
        (row.quartile_text[:1].upper() + row.quartile_text[1:], None),
        (row.benchmark_median, fmt),
        (row.england_value, fmt),
        (row.significance_text, None),
        ("Yes" if row.is_exception else "No", None),
        ("; ".join(row.exception_reasons), f.wrap),
        (row.owner, f.wrap),
        (row.summary, f.wrap),
    ]
    for c, (value, cell_fmt) in enumerate(cells):
        if isinstance(value, str):
            sheet.write_string(r, c, value, cell_fmt or f.text)
        else:
            _num(sheet, r, c, value, cell_fmt or f.text)


def _summary_table(sheet, f: _Formats, r: int, headers: list[str], body: list[tuple[str, list[int]]]) -> int:
    """A summary table (:func:`~scorecard.export.content.rag_summary` and the like) from row ``r``, its counts as
    numbers; returns its last row."""
    for c, h in enumerate(headers):
        sheet.write_string(r, c, h, f.header)
    for title, numbers in body:
        r += 1
        sheet.write_string(r, 0, title, f.text)
        for c, number in enumerate(numbers, start=1):
            sheet.write_number(r, c, number, f.int)
    return r


def _summary(book, f: _Formats, pack: Pack) -> None:
    sheet = book.add_worksheet("Summary")
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 12, 13)
    sheet.write_string(0, 0, pack.council, f.title)
    sheet.write_string(1, 0, pack.title, f.title)
    facts = [
        ("Reporting period", pack.period),
        ("Data as at", pack.data_as_at_text),
        ("Scope", pack.scope_text),
        ("Area", f"{pack.area_name} ({pack.area_code})"),
    ]
    r = 3
    for label, fact in facts:
        sheet.write_string(r, 0, label, f.bold)
        sheet.write_string(r, 1, fact, f.text)
        r += 1
    r += 1
    sheet.write_string(r, 0, "RAG ratings by theme", f.bold)
    r = _summary_table(sheet, f, r + 1, RAG_SUMMARY_HEADERS, rag_summary(pack)) + 2
    sheet.write_string(r, 0, "Direction of travel by theme", f.bold)
    r = _summary_table(sheet, f, r + 1, DIRECTION_SUMMARY_HEADERS, direction_summary(pack)) + 2
    sheet.write_string(r, 0, "At risk of missing the year-end target", f.bold)
    risky = pack.forecasts_at_risk
    if not risky:
        sheet.write_string(r + 1, 0, wording.NO_FORECAST_AT_RISK, f.text)
        r += 1
    for c, h in enumerate(["Measure", "Year-end forecast (80% interval)", "Forecast"] if risky else []):
        sheet.write_string(r + 1, c, h, f.header)
    for row in risky:
        r += 1
        for c, value in enumerate((row.marked_title, row.forecast_text, row.forecast_status_text)):
            sheet.write_string(r + 1, c, value, f.text)
    r += 3
    sheet.write_string(r, 0, summary_sentence(pack), f.text)
    r += 2
    sheet.write_string(r, 0, "How to read this report", f.bold)
    for heading, items in pack.how_to_read():
        r += 1
        sheet.write_string(r, 0, heading, f.bold)
        for term, meaning in items:
            r += 1
            sheet.write_string(r, 0, term, f.text)
            sheet.write_string(r, 1, meaning, f.text)
    r += 2
    sheet.write_string(r, 0, "Sources and attribution", f.bold)
    sheet.write_string(r + 1, 0, wording.ATTRIBUTION, f.text)
    sheet.write_string(r + 2, 0, f"Data as at {pack.data_as_at_text} (the date of the latest data load).", f.text)


def _finance(book, f: _Formats, pack: Pack, subtitle: str) -> None:
    """The Financial position sheet: £m figures as numbers, the position in words (adverse in bold red too)."""
    sheet = book.add_worksheet("Financial position")
    _header(sheet, f, FINANCE_COLUMNS, "Financial position: revenue budget monitoring", pack.finance.sentence(), 1)
    money = book.add_format({"num_format": "#,##0.000;-#,##0.000", "valign": "top"})
    lines = frames.records(pack.finance.lines)
    for n, (r, worded) in enumerate(zip(lines, pack.finance_rows()), start=HEADER_ROW + 1):
        sheet.write_string(n, 0, r["title"], f.text)
        sheet.write_string(n, 1, r["service_line"], f.text)
        for c, key in enumerate(("budget", "forecast_outturn", "variance"), start=2):
            _num(sheet, n, c, r[key], money)
        sheet.write_string(n, 5, worded[4], f.rag("red") if r["position"] == "overspend" else f.text)
        sheet.write_string(n, 6, r["period"], f.text)
        sheet.write_string(n, 7, text.spreadsheet_cell(worded[5]), f.wrap)
        sheet.write_string(n, 8, text.spreadsheet_cell(worded[6]), f.wrap)
    if lines:
        total = pack.finance_rows()[-1]
        n = HEADER_ROW + 1 + len(lines)
        sheet.write_string(n, 0, total[0], f.bold)
        for c, value in enumerate(pack.finance.totals().values(), start=2):
            _num(sheet, n, c, value, money)
        sheet.write_string(n, 5, total[4], f.bold)
    sheet.write_string(HEADER_ROW + 3 + len(lines), 0, FINANCE_NOTE, f.text)
    _finish(sheet, FINANCE_COLUMNS, len(lines))


def render(pack: Pack, progress: Progress) -> bytes:
    """The pack as .xlsx bytes."""
    progress(0.1, "Writing the Excel workbook")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    when = datetime(pack.data_as_at.year, pack.data_as_at.month, pack.data_as_at.day)
    book.set_properties(
        {
            "title": f"{pack.title} – {pack.period}",
            "author": pack.council,
            "company": pack.council,
            "subject": f"Corporate Plan performance, {pack.period}",
            "keywords": "CPOR, performance, scorecard",
            "created": when,
            "comments": f"Data as at {pack.data_as_at_text}",
        }
    )
    f = _Formats(book)
    _summary(book, f, pack)
    subtitle = f"{pack.council} – {pack.title}, {pack.period}. Data as at {pack.data_as_at_text}."
    for i, theme in enumerate(pack.themes, start=1):
        sheet = book.add_worksheet(theme_sheet_name(theme.title, theme.id))
        _header(sheet, f, THEME_COLUMNS, f"{theme.title}: scorecard", subtitle, 2)
        for n, row in enumerate(theme.rows, start=HEADER_ROW + 1):
            _theme_row(sheet, f, n, row)
        _finish(sheet, THEME_COLUMNS, len(theme.rows))
        progress(0.1 + 0.6 * i / len(pack.themes), f"Excel: theme {i} of {len(pack.themes)} written")
    sheet = book.add_worksheet("Exceptions")
    _header(sheet, f, EXCEPTION_COLUMNS, "Exceptions", subtitle, 3)
    exceptions = pack.exceptions
    for n, (theme, row) in enumerate(exceptions, start=HEADER_ROW + 1):
        fmt = f.number(row.unit, row.decimals)
        sheet.write_string(n, 0, theme.title, f.text)
        sheet.write_string(n, 1, row.measure_id, f.text)
        sheet.write_string(n, 2, row.display_title, f.wrap)
        _num(sheet, n, 3, row.value, fmt)
        sheet.write_string(n, 4, wording.UNIT_LABEL.get(row.unit, row.unit), f.text)
        sheet.write_string(n, 5, row.period_label, f.text)
        sheet.write_string(n, 6, wording.STATUS.get(row.status, row.status), f.text)
        _num(sheet, n, 7, row.target, fmt)
        sheet.write_string(n, 8, row.rag_text, f.rag(row.rag))
        sheet.write_string(n, 9, row.direction_text, f.text)
        sheet.write_string(n, 10, "; ".join(row.exception_reasons), f.wrap)
        sheet.write_string(n, 11, row.owner, f.wrap)
        sheet.write_string(n, 12, row.summary, f.wrap)
        said = [
            row.narrative,
            row.corrective_action,
            row.action_owner_line,
            row.commentary_written,
            ", ".join(row.commentary_marks),
            "Yes" if row.without_commentary else "No",
        ]
        for c, written in enumerate([*said, row.exception_tier_text], start=13):
            sheet.write_string(n, c, text.spreadsheet_cell(written), f.wrap)
    _finish(sheet, EXCEPTION_COLUMNS, len(exceptions))
    progress(0.75, "Excel: exceptions written")
    sheet = book.add_worksheet("Annual actions")
    _header(sheet, f, ACTION_COLUMNS, "Annual actions: Corporate Plan priority actions", subtitle, 3)
    for n, (theme, action) in enumerate(pack.actions, start=HEADER_ROW + 1):
        values = [
            theme.title,
            action.title,
            action.status_text,
            action.percent_text,
            action.narrative,
            action.written,
            ", ".join(action.marks),
        ]
        for c, written in enumerate(values):
            sheet.write_string(n, c, text.spreadsheet_cell(written), f.action(action.status) if c == 3 else f.wrap)
    _finish(sheet, ACTION_COLUMNS, len(pack.actions))
    progress(0.8, "Excel: annual actions written")
    _finance(book, f, pack, subtitle)
    sheet = book.add_worksheet("Risks")
    _header(sheet, f, RISK_COLUMNS, "Risks beside the measures and actions", pack.risk_note or subtitle, 1)
    for n, values in enumerate(pack.risks.values.tolist(), start=HEADER_ROW + 1):
        for c, written in enumerate(values):
            sheet.write_string(n, c, text.spreadsheet_cell(str(written)), f.wrap)
    _finish(sheet, RISK_COLUMNS, len(pack.risks))
    sheet = book.add_worksheet("Definitions")
    _header(sheet, f, DEFINITION_COLUMNS, "Measure definitions and sources", subtitle, 2)
    for n, d in enumerate(pack.definitions, start=HEADER_ROW + 1):
        values = [
            d.measure_id,
            d.title,
            d.themes,
            d.info_type,
            d.polarity,
            wording.UNIT_LABEL.get(d.unit, d.unit),
            d.frequency,
            d.definition,
            d.what_good_looks_like,
            "\n".join(d.caveats),
            d.source_match,
            d.proxy_for,
            d.publisher,
            d.dataset,
            d.licence,
            d.target_basis,
            d.target_rationale,
            d.theme_responsibility,
            d.metric_responsibility,
        ]
        for c, value in enumerate(values):
            sheet.write_string(n, c, value, f.wrap if DEFINITION_COLUMNS[c][1] >= 36 else f.text)
    _finish(sheet, DEFINITION_COLUMNS, len(pack.definitions))
    progress(0.9, "Excel: definitions written")
    book.close()
    return buffer.getvalue()
