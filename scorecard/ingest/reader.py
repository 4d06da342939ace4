"""Read a return file (CSV or XLSX) into text cells, with the file, sheet and row of every cell.

A return is of one *kind* (:data:`KIND_COLUMNS`): figures, commentary, actions, targets, finance (revenue budget
monitoring) or risks — an XLSX by the name of its sheet (as the templates write it), a CSV by the column that only
that kind has.
Faults of the file as a whole (not UTF-8, empty, no sheet of a known kind, merged cells, missing or unknown
columns) are :class:`FileProblem` errors: nothing in such a file can be trusted row by row.
A UTF-8 byte-order mark and Windows line endings are normal for Excel exports and are accepted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

REQUIRED = ("measure_id", "period", "value")
OPTIONAL = ("area_code", "numerator", "denominator", "status", "note")
INFORMATIONAL = ("title", "unit", "frequency", "theme", "last_period", "last_value", "last_status", "target")
"""Columns the pre-filled templates carry for the officer's information; ignored on load."""
SHEET = "figures"
KIND_COLUMNS = {
    "figures": (REQUIRED, OPTIONAL, INFORMATIONAL),
    "commentary": (
        ("measure_id", "period", "narrative"),
        ("corrective_action", "action_owner", "due_date", "author", "illustrative"),
        ("title", "last_value", "last_period"),
    ),
    "actions": (
        ("action_id", "period", "status", "percent_complete", "narrative"),
        ("author", "illustrative"),
        ("theme", "action", "last_status", "last_percent_complete"),
    ),
    "targets": (
        ("measure_id", "financial_year", "rationale"),
        ("target", "basis", "tolerance", "approved_by", "approved_on"),
        ("title", "unit", "polarity", "info_type", "current_basis", "current_target", "current_tolerance"),
    ),
    "finance": (
        ("service_line", "period", "budget", "forecast_outturn"),
        ("variance", "commentary", "reference", "author", "illustrative"),
        ("title", "last_period", "last_budget", "last_forecast_outturn"),
    ),
    "risks": (
        ("risk_id", "period", "title", "owner_role", "likelihood", "impact"),
        ("score", "linked_measures", "linked_actions", "mitigation", "reference", "author", "illustrative"),
        ("last_period", "last_score"),
    ),
}
"""Each kind of return: (required, optional, informational) columns; informational ones are ignored on load."""
SIGNATURE = (
    ("actions", "action_id"),
    ("targets", "financial_year"),
    ("finance", "service_line"),
    ("risks", "risk_id"),
    ("commentary", "narrative"),
)
"""The column that tells a CSV's kind, first match wins (a CSV with none of them is read as figures)."""
MAX_XLSX_FULL_LOAD = 5_000_000
"""Workbooks up to this many bytes are opened fully (to see merged cells); bigger ones are streamed."""


class FileProblem(ValueError):
    """The file as a whole cannot be read as a return."""


@dataclass
class Table:
    """A return's rows as text, keyed by normalised column name; ``rows[i]`` is sheet/file row ``numbers[i]``."""

    file: str
    sheet: str | None
    columns: list[str]
    kind: str = "figures"
    rows: list[dict[str, str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    percent_cells: set[tuple[int, str]] = field(default_factory=set)
    """(row number, column) of XLSX cells formatted as a percentage (Excel stores 45% as 0.45)."""

    def where(self, row: int | None = None, column: str | None = None) -> str:
        text = self.file
        if self.sheet:
            text += f", sheet {self.sheet!r}"
        if row is not None:
            text += f", row {row}"
        if column:
            text += f", column {column!r}"
        return text


def _column_name(raw: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(raw if raw is not None else "").strip().lower())


def kind_of(names: list[str]) -> str:
    """A CSV's kind from its headings (:data:`SIGNATURE`)."""
    return next((kind for kind, column in SIGNATURE if column in names), "figures")


def _header(file: str, sheet: str | None, header: list[object], kind: str | None = None) -> tuple[list[str], str]:
    """The normalised column names and the return's kind (given for XLSX by its sheet; else from the names)."""
    where = file + (f", sheet {sheet!r}" if sheet else "")
    names = [_column_name(h) for h in header]
    while names and not names[-1]:
        names.pop()
    if not any(names):
        raise FileProblem(f"{where}, row 1: no column headings; expected {', '.join(REQUIRED + OPTIONAL)}")
    blank = [i + 1 for i, n in enumerate(names) if not n]
    if blank:
        raise FileProblem(f"{where}, row 1: column {blank[0]} has no heading")
    seen = set()
    for name in names:
        if name in seen:
            raise FileProblem(f"{where}, row 1: column {name!r} appears twice")
        seen.add(name)
    kind = kind or kind_of(names)
    required, optional, informational = KIND_COLUMNS[kind]
    a_return = {"figures": "a return", "actions": "an actions return"}.get(kind, f"a {kind} return")
    missing = [c for c in required if c not in names]
    if missing:
        raise FileProblem(
            f"{where}, row 1: missing column(s) {', '.join(missing)}; {a_return} needs "
            f"{', '.join(required)} (optional: {', '.join(optional)})"
        )
    unknown = [n for n in names if n not in required + optional + informational]
    if unknown:
        raise FileProblem(
            f"{where}, row 1: unknown column(s) {', '.join(map(repr, unknown))}; expected only "
            f"{', '.join(required + optional)} (and the template's {', '.join(informational)})"
        )
    return names, kind


def read_csv(path: Path, name: str | None = None) -> Table:
    """A CSV return: UTF-8 (with or without BOM), any line endings."""
    name = name or path.name
    data = path.read_bytes()
    if not data.strip():
        raise FileProblem(f"{name}: the file is empty; expected a heading row and one row per figure")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise FileProblem(
            f"{name}, row {line}: not UTF-8 text (byte 0x{data[err.start]:02X}); save the file "
            "as 'CSV UTF-8 (Comma delimited)'"
        ) from None
    if "\x00" in text:
        raise FileProblem(f"{name}: contains NUL bytes — not a CSV text file (is it a spreadsheet renamed .csv?)")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as err:
        raise FileProblem(f"{name}, row {reader.line_num}: unreadable CSV ({err})") from None
    columns, kind = _header(name, None, records[0])
    table = Table(name, None, columns, kind)
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(columns) and any(c.strip() for c in record[len(columns) :]):
            raise FileProblem(
                f"{name}, row {number}: {len(record)} cells but only {len(columns)} column headings "
                "(a comma inside a value must be quoted)"
            )
        table.rows.append({c: (record[i].strip() if i < len(record) else "") for i, c in enumerate(columns)})
        table.numbers.append(number)
    if not table.rows:
        raise FileProblem(f"{name}: no data rows under the headings")
    return table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


def read_xlsx(path: Path, name: str | None = None) -> Table:
    """An XLSX return: the sheet named after its kind (``figures``, ``commentary``…); merged cells are refused
    (each row needs its own cells)."""
    import openpyxl

    name = name or path.name
    if path.stat().st_size == 0:
        raise FileProblem(f"{name}: the file is empty")
    full = path.stat().st_size <= MAX_XLSX_FULL_LOAD
    try:
        book = openpyxl.load_workbook(path, read_only=not full, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a bad zip/xml
        raise FileProblem(f"{name}: not a readable .xlsx workbook ({type(err).__name__}: {err})") from None
    try:
        sheets = {s.strip().lower(): s for s in book.sheetnames}
        kinds = [kind for kind in KIND_COLUMNS if kind in sheets]
        if not kinds:
            others = ", ".join(map(repr, [k for k in KIND_COLUMNS if k != SHEET]))
            raise FileProblem(
                f"{name}: no sheet named {SHEET!r} (or {others}) (found {', '.join(map(repr, book.sheetnames))}); "
                "put the figures on a sheet called 'figures', as in the template"
            )
        if len(kinds) > 1:
            raise FileProblem(
                f"{name}: sheets of more than one kind of return ({', '.join(map(repr, kinds))}); "
                "send each kind in its own file, as in its template"
            )
        sheet_name = sheets[kinds[0]]
        sheet = book[sheet_name]
        if full and sheet.merged_cells.ranges:
            ranges = ", ".join(str(r) for r in list(sheet.merged_cells.ranges)[:5])
            raise FileProblem(
                f"{name}, sheet {sheet_name!r}: merged cells {ranges}; unmerge them and give every "
                "row its own measure, period and value"
            )
        rows = sheet.iter_rows()
        try:
            header_cells = next(rows)
        except StopIteration:
            raise FileProblem(f"{name}, sheet {sheet_name!r}: the sheet is empty") from None
        columns, kind = _header(name, sheet_name, [c.value for c in header_cells], kinds[0])
        table = Table(name, sheet_name, columns, kind)
        for number, cells in enumerate(rows, start=2):
            values = [_cell_text(c.value) for c in cells]
            if not any(values):
                continue
            if len(values) > len(columns) and any(values[len(columns) :]):
                raise FileProblem(
                    f"{name}, sheet {sheet_name!r}, row {number}: a value beyond the last headed "
                    "column; give it a heading or delete it"
                )
            table.rows.append({c: (values[i] if i < len(values) else "") for i, c in enumerate(columns)})
            table.numbers.append(number)
            for i, c in enumerate(columns):
                if (
                    i < len(cells)
                    and isinstance(cells[i].value, (int, float))
                    and "%" in str(getattr(cells[i], "number_format", "") or "")
                ):
                    table.percent_cells.add((number, c))
        if not table.rows:
            raise FileProblem(f"{name}, sheet {sheet_name!r}: no data rows under the headings")
        return table
    finally:
        book.close()


def read(path: Path, name: str | None = None) -> Table:
    """Read a ``.csv`` or ``.xlsx`` return (by extension)."""
    name = name or path.name
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return read_csv(path, name)
    if suffix == ".xlsx":
        return read_xlsx(path, name)
    raise FileProblem(f"{name}: unsupported file type {suffix or '(none)'!r}; upload a .csv or .xlsx return")
