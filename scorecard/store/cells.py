"""Text cells in the CSV and XLSX files the app writes, made safe to open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is read by Excel,
LibreOffice and Google Sheets as a formula ("CSV injection", OWASP): a commentary beginning
``=HYPERLINK(…)`` would become a live link. Such text is written with a leading apostrophe, which
spreadsheets show as plain text; numbers are left alone.
"""

from __future__ import annotations

import io

import pandas as pd
import xlsxwriter

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """``'=1+1`` for text starting with a formula character; anything else unchanged."""
    return "'" + value if isinstance(value, str) and value.startswith(TRIGGERS) else value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell neutralised (for a CSV or XLSX download)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV with every text cell neutralised."""
    return neutralised(frame).to_csv(index=False).encode("utf-8")


def xlsx_bytes(frame: pd.DataFrame, sheet: str, title: str = "") -> bytes:
    """A table as an XLSX workbook (one sheet, an optional title row, header row frozen and filtered): text is
    written as text, never as a formula, and neutralised as in a CSV."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = book.add_worksheet(sheet[:31])
    bold, wrap = (
        book.add_format({"bold": True, "text_wrap": True}),
        book.add_format({"text_wrap": True, "valign": "top"}),
    )
    top = 0
    if title:
        ws.write_string(0, 0, title, book.add_format({"bold": True, "font_size": 13}))
        top = 2
    safe = neutralised(frame)
    for c, column in enumerate(safe.columns):
        ws.write_string(top, c, str(column), bold)
        longest = max([len(str(v)) for v in safe[column]], default=0)
        ws.set_column(c, c, min(60, max(12, longest // 2 + 4)))
        for r, value in enumerate(safe[column], start=top + 1):
            if value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value), wrap)
    ws.freeze_panes(top + 1, 1)
    ws.autofilter(top, 0, top + max(len(safe), 1), max(len(safe.columns) - 1, 0))
    book.close()
    return buffer.getvalue()
