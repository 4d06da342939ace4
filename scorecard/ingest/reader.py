"""Read a return file (CSV or XLSX) into text cells, with the file, sheet and row of every cell — or refuse
what cannot be read faithfully.

A return is of one *kind* (:data:`KIND_COLUMNS`): figures, commentary, actions, targets, finance (revenue budget
monitoring) or risks — an XLSX by the name of its sheet (as the templates write it), a CSV by the column that only
that kind has.
Faults of the file as a whole (not UTF-8, empty, an unclosed quote, no sheet of a known kind or two of them,
merged cells, hidden columns, missing or unknown columns, a workbook beyond the size limits) are
:class:`FileProblem` errors: nothing in such a file can be trusted row by row. Cells that cannot be read
faithfully (a row hidden in Excel, a formula with no saved value) are refused row by row (``Table.refused``).
A UTF-8 byte-order mark and Windows line endings are normal for Excel exports and are accepted. The zip
directory of a workbook is checked against :data:`MAX_XLSX_UNCOMPRESSED` before anything is parsed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from scorecard.register import Register

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
    refused: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    """row number → (column, why) for cells the reader could not read faithfully (a hidden row, a formula
    with no saved value): the validator rejects those rows."""

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


def _header(file: str, sheet: str | None, header: Sequence[object], kind: str | None = None) -> tuple[list[str], str]:
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
    """A CSV return: UTF-8 (with or without BOM), any line endings. A quote that is opened and never closed
    properly is refused (it would silently swallow the rows after it into one cell)."""
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
    records = _csv_records(name, text)
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


def _csv_records(name: str, text: str) -> list[list[str]]:
    """Every record of a CSV text (``strict``: a quote must close before the next comma or line end). A
    quoted value running over lines that look like rows of their own is refused too: that is an opening
    quote never closed, not a note written on two lines."""
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    while True:
        first = reader.line_num  # physical lines read before this record
        line = lines[first] if first < len(lines) else ""
        try:
            record = next(reader)
        except StopIteration:
            return records
        except csv.Error as err:
            if "field larger than field limit" in str(err):
                raise FileProblem(
                    f"{name}, row {len(records) + 1}: a value is longer than {csv.field_size_limit():,} characters; "
                    "no return needs a cell that long — shorten it (or check for a quote that is never closed)"
                ) from None
            raise FileProblem(_unclosed(name, len(records) + 1, line, err, records)) from None
        width = len(records[0]) if records else len(record)
        if any(width > 1 and later.count(",") >= width - 1 for later in lines[first + 1 : reader.line_num]):
            raise FileProblem(_unclosed(name, len(records) + 1, line, "its quote is closed rows later", records))
        records.append(record)


def _unclosed(name: str, row: int, line: str, why: object, records: list[list[str]]) -> str:
    """The error for a quote opened in ``line`` (row ``row``) and not closed properly."""
    opened = next(csv.reader([line.rstrip("\r\n")]), [])
    header = [_column_name(h) for h in records[0]] if records else []
    column = f", column {header[len(opened) - 1]!r}" if 0 < len(opened) <= len(header) else ""
    return (
        f"{name}, row {row}{column}: a quoted value is not closed properly ({why}); the rows after it would be "
        'read as part of it. Close the quote, and write a quote inside a value as two quotes ("")'
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


MAX_XLSX_UNCOMPRESSED = 4_000_000
"""Bytes a workbook may unpack to (from its zip directory, checked before anything is parsed). A return is
kilobytes: the largest shipped (481 rows) unpacks to about 0.1 MB as a workbook, and 4 MB holds some 15,000
rows of figures, read in about a second; anything larger is refused at once, without being parsed."""
MAX_XLSX_CELLS = 120_000
"""Cells the return's sheet may hold (its declared dimension, then counted while reading): 15,000 rows of
the eight columns of a figures return."""
MAX_XLSX_PARTS = 200
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _column_index(letters: str) -> int:
    """``A`` → 0, ``AB`` → 27."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _zip_limits(path: Path, name: str) -> zipfile.ZipFile:
    """The workbook's zip, after checking from its directory alone that it unpacks to a sane size."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise FileProblem(f"{name}: not a readable .xlsx workbook ({type(err).__name__}: {err})") from None
    parts = archive.infolist()
    unpacked = sum(info.file_size for info in parts)
    if len(parts) > MAX_XLSX_PARTS or unpacked > MAX_XLSX_UNCOMPRESSED:
        archive.close()
        raise FileProblem(
            f"{name}: the workbook unpacks to {unpacked / 1e6:,.0f} MB in {len(parts):,} parts, more than the "
            f"{MAX_XLSX_UNCOMPRESSED / 1e6:,.0f} MB / {MAX_XLSX_PARTS:,} parts a return may have; save only "
            "the figures sheet, or split the return"
        )
    return archive


@dataclass
class _SheetFacts:
    """What the values alone do not show, from one streaming pass over the sheet's XML."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    formulas_without_values: list[tuple[int, int, str]] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)


def _sheet_facts(archive: zipfile.ZipFile, part: str, where: str) -> _SheetFacts:
    """Hidden rows and columns, formula cells with no saved value and merged ranges of one sheet, counting
    cells as it goes (:data:`MAX_XLSX_CELLS`). The declared dimension is checked first."""
    with archive.open(part) as handle:
        start = handle.read(4096).decode("utf-8", "replace")
    found = re.search(r'<(?:\w+:)?dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', start)
    if found and found.group(3):
        cells = (int(found.group(4)) - int(found.group(2)) + 1) * (
            _column_index(found.group(3)) - _column_index(found.group(1)) + 1
        )
        if cells > MAX_XLSX_CELLS:
            raise FileProblem(f"{where}: the sheet spans {cells:,} cells, more than the {MAX_XLSX_CELLS:,} allowed")
    facts, count, row, column = _SheetFacts(), 0, 0, -1
    with archive.open(part) as handle:
        try:
            for event, element in ElementTree.iterparse(handle, events=("start", "end")):
                tag = element.tag.removeprefix(_NS)
                if event == "start":
                    if tag == "row":
                        row = int(element.get("r") or row + 1)
                        column = -1
                        if element.get("hidden") in ("1", "true"):
                            facts.hidden_rows.add(row)
                    elif tag == "col" and element.get("hidden") in ("1", "true"):
                        first, last = int(element.get("min") or 1), int(element.get("max") or 1)
                        facts.hidden_columns.update(range(first - 1, min(last, first + 16_384)))
                    elif tag == "mergeCell":
                        facts.merged.append(element.get("ref") or "")
                    continue
                if tag == "c":
                    count += 1
                    if count > MAX_XLSX_CELLS:
                        raise FileProblem(f"{where}: more than {MAX_XLSX_CELLS:,} cells; split the return")
                    ref = _CELL_REF.fullmatch(element.get("r") or "")
                    column = _column_index(ref.group(1)) if ref else column + 1
                    formula, value = element.find(f"{_NS}f"), element.find(f"{_NS}v")
                    if formula is not None and (value is None or not (value.text or "").strip()):
                        facts.formulas_without_values.append((row, column, formula.text or ""))
                    element.clear()
                elif tag == "row":
                    element.clear()
        except ElementTree.ParseError as err:
            raise FileProblem(
                f"{where}: the sheet is not well-formed XML ({err}), so it cannot be read faithfully; open the file "
                "in Excel and save it again"
            ) from None
    return facts


def read_xlsx(path: Path, name: str | None = None) -> Table:
    """An XLSX return: the one sheet named after its kind (``figures``, ``commentary``…; case and spaces
    ignored; two such sheets, sheets of two kinds, or a hidden one, are refused). Refused too: merged cells;
    and, row by row, rows hidden in Excel and formula cells with no saved value (the file was never
    recalculated and saved) — never silently loaded or skipped."""
    import openpyxl

    name = name or path.name
    if path.stat().st_size == 0:
        raise FileProblem(f"{name}: the file is empty")
    with _zip_limits(path, name) as archive:
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as err:  # openpyxl raises many kinds for a bad zip/xml
            raise FileProblem(f"{name}: not a readable .xlsx workbook ({type(err).__name__}: {err})") from None
        try:
            return _read_sheet(book, archive, name)
        finally:
            book.close()


def _read_sheet(book, archive: zipfile.ZipFile, name: str) -> Table:
    named = {s: re.sub(r"\s+", "", s).casefold() for s in book.sheetnames}
    kinds = sorted({kind for kind in named.values() if kind in KIND_COLUMNS}, key=list(KIND_COLUMNS).index)
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
    kind = kinds[0]
    matches = [s for s, normal in named.items() if normal == kind]
    if len(matches) > 1:
        raise FileProblem(
            f"{name}: sheets {' and '.join(map(repr, matches))} both read as {kind!r} (their names differ only "
            "in capitals or spaces); keep the return on one of them and rename or delete the other"
        )
    sheet_name = matches[0]
    sheet = book[sheet_name]
    where = f"{name}, sheet {sheet_name!r}"
    if sheet.sheet_state != "visible":
        raise FileProblem(f"{where}: the sheet is hidden in Excel; unhide it, check its figures, and save again")
    facts = _sheet_facts(archive, sheet._worksheet_path, where)
    if facts.merged:
        raise FileProblem(
            f"{where}: merged cells {', '.join(facts.merged[:5])}; unmerge them and give every "
            "row its own measure, period and value"
        )
    rows = sheet.iter_rows()
    try:
        header_cells = next(rows)
    except StopIteration:
        raise FileProblem(f"{where}: the sheet is empty") from None
    columns, kind = _header(name, sheet_name, [c.value for c in header_cells], kind)
    hidden = sorted(i for i in facts.hidden_columns if i < len(columns))
    if hidden:
        raise FileProblem(
            f"{where}, column {columns[hidden[0]]!r}: the column is hidden in Excel; unhide it (or delete it), "
            "check its figures, and save again"
        )
    table = Table(name, sheet_name, columns, kind)
    for number, cells in enumerate(rows, start=2):
        values = [_cell_text(c.value) for c in cells]
        if not any(values):
            continue
        if len(values) > len(columns) and any(values[len(columns) :]):
            raise FileProblem(
                f"{where}, row {number}: a value beyond the last headed column; give it a heading or delete it"
            )
        table.rows.append({c: (values[i] if i < len(values) else "") for i, c in enumerate(columns)})
        table.numbers.append(number)
        if number in facts.hidden_rows:
            table.refused.setdefault(number, []).append(
                (columns[0], "the row is hidden in Excel; unhide it and check it, or delete it")
            )
        for i, c in enumerate(columns):
            if (
                i < len(cells)
                and isinstance(cells[i].value, (int, float))
                and "%" in str(getattr(cells[i], "number_format", "") or "")
            ):
                table.percent_cells.add((number, c))
    for row, column, formula in facts.formulas_without_values:
        if row >= 2 and column < len(columns):
            if row not in table.numbers:  # the formula's only cell in the row: it read as blank
                table.rows.append({c: "" for c in columns})
                table.numbers.append(row)
            table.refused.setdefault(row, []).append(
                (
                    columns[column],
                    f"formula ={formula[:40]} has no saved value (the workbook was not recalculated); open it "
                    "in Excel and save it, or paste the values",
                )
            )
    order = sorted(range(len(table.numbers)), key=table.numbers.__getitem__)
    table.rows, table.numbers = [table.rows[i] for i in order], [table.numbers[i] for i in order]
    if not table.rows:
        raise FileProblem(f"{where}: no data rows under the headings")
    return table


def seed_table(reg: Register, path: Path, name: str) -> Table:
    """Figures the council itself published (the ``seed_figures.csv`` lines the register names), as a return
    table — row numbers are the file's lines — for the same validator as every return."""
    lines = path.read_text(encoding="utf-8").splitlines()
    table = Table(name, None, ["measure_id", "area_code", "period", "value", "status"])
    for measure in reg.measures:
        for seed in measure.source.seed_figures:
            record = next(csv.reader([lines[seed.line - 1]]), []) if seed.line <= len(lines) else []
            number = re.search(r"-?\d+(?:\.\d+)?", record[1]) if len(record) > 1 else None
            if not number:
                raise FileProblem(f"{name}, row {seed.line}: no figure for {measure.id} on this line")
            table.rows.append(
                {
                    "measure_id": measure.id,
                    "area_code": seed.area_code,
                    "period": seed.period,
                    "value": number.group(),
                    "status": "ok",
                }
            )
            table.numbers.append(seed.line)
    return table


def read(path: Path, name: str | None = None) -> Table:
    """Read a ``.csv`` or ``.xlsx`` return (by extension)."""
    name = name or path.name
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return read_csv(path, name)
    if suffix == ".xlsx":
        return read_xlsx(path, name)
    raise FileProblem(f"{name}: unsupported file type {suffix or '(none)'!r}; upload a .csv or .xlsx return")
