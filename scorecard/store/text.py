"""Text that leaves the system in a file: safe for spreadsheets and for XML-based formats.

* **Formula injection** (OWASP "CSV injection"): a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return can be run as a formula by Excel or LibreOffice when a CSV (or a re-entered XLSX cell)
  is opened. :func:`spreadsheet_cell` prefixes such text with an apostrophe, which spreadsheets show as
  text. Plain numbers written as text (``-4``, ``-3.5%``) are left alone: a spreadsheet reads them as numbers,
  never as formulas.
* **Control characters**: XML 1.0 (Word, Excel, the PDF writer's markup) cannot hold C0 control characters
  other than tab, line feed and carriage return — a vertical tab (Excel's line break in some exports) makes
  python-docx refuse the whole document. :func:`without_controls` turns each into a space.
"""

from __future__ import annotations

import dataclasses
import io
import re

import pandas as pd
import xlsxwriter

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Characters refused where text enters and removed where it leaves: those XML 1.0 cannot hold (C0 controls
except tab, LF, CR), DEL and the C1 controls, and the bidirectional embeddings, overrides and isolates
(U+202A–E, U+2066–9), which make text read other than it is stored."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def without_controls(text: str) -> str:
    """``text`` with every character of :data:`CONTROL` replaced by a space."""
    return CONTROL.sub(" ", text)


def spreadsheet_cell(value: object) -> object:
    """A value safe to put in a CSV or spreadsheet cell: text without control characters, and prefixed
    with ``'`` when a spreadsheet would otherwise read it as a formula. Other values are unchanged."""
    if not isinstance(value, str):
        return value
    text = without_controls(value) if CONTROL.search(value) else value
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def spreadsheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) passed through :func:`spreadsheet_cell`."""
    out = frame.rename(columns=lambda c: spreadsheet_cell(c) if isinstance(c, str) else c)
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(spreadsheet_cell)
    return out


def csv_bytes(frame: pd.DataFrame, **kwargs) -> bytes:
    """``frame`` as UTF-8 CSV bytes, neutralised against formula injection (every CSV this system writes)."""
    buffer = io.StringIO()
    spreadsheet_frame(frame).to_csv(buffer, index=False, **kwargs)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(frame: pd.DataFrame, sheet: str, title: str = "") -> bytes:
    """A table as an XLSX workbook (one sheet, an optional title row, header row frozen and filtered): text is
    written as text, never as a formula, and neutralised as in a CSV."""
    return xlsx_book([(sheet, frame, title)])


def xlsx_book(sheets: list[tuple[str, pd.DataFrame, str]]) -> bytes:
    """Tables as one XLSX workbook, a sheet each — (sheet name, table, title) — written as :func:`xlsx_bytes`
    writes one."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold, wrap, heading = (
        book.add_format({"bold": True, "text_wrap": True}),
        book.add_format({"text_wrap": True, "valign": "top"}),
        book.add_format({"bold": True, "font_size": 13}),
    )
    for sheet, frame, title in sheets:
        ws = book.add_worksheet(sheet[:31])
        top = 0
        if title:
            ws.write_string(0, 0, title, heading)
            top = 2
        safe = spreadsheet_frame(frame)
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


def cleaned(value):
    """``value`` with :func:`without_controls` applied to every string inside it (dataclasses, lists, tuples
    and dicts are rebuilt; other values are returned as they are)."""
    if isinstance(value, str):
        return without_controls(value) if CONTROL.search(value) else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value, **{f.name: cleaned(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        )
    if isinstance(value, list):
        return [cleaned(item) for item in value]
    if isinstance(value, tuple):
        return tuple(cleaned(item) for item in value)
    if isinstance(value, dict):
        return {key: cleaned(item) for key, item in value.items()}
    return value
