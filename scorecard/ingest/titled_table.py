"""Read a spreadsheet sheet saved as CSV: title and note rows, one header row, then the data rows.

Official tables (ONS, Home Office) are published as spreadsheets whose sheets start with a title and notes
and whose header cells contain line breaks. This reader takes such a file exactly as it is and refuses,
naming the file and line, anything that is not that layout: text beside the title rows, no header, a header
without the columns the register reads, a data row of another width, a figure that is not a number or a
publisher's marker, text after the table. It never guesses past a surprise, because a shifted column or a
second table would otherwise load as wrong figures without a word.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

MAX_TITLE_ROWS = 30
"""The header must start within this many records (ONS sheets have under ten title and note rows)."""
MARKER = re.compile(r"\[[a-z]\]|[a-z]|\.\.|:|-|\*", re.IGNORECASE)
"""A publisher's marker for a figure not given: ``[x]`` unavailable, ``[c]`` confidential, ``..`` and so on."""
NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
"""A figure as published: digits, optionally with thousands separators and decimals (``21,753``)."""


class LayoutError(ValueError):
    """The file is not laid out as the register says; the message names the file and line."""


def normalise_header(cell: str) -> str:
    """A header cell with its line breaks and repeated spaces made single spaces."""
    return " ".join(cell.split())


def _is_blank(record: list[str]) -> bool:
    return all(not cell.strip() for cell in record)


def read(
    path: Path,
    display_name: str,
    required: list[str],
    numeric: Sequence[str] = (),
    title_contains: str = "",
) -> pd.DataFrame:
    """The table's data rows as strings, columns named by their normalised headers.

    ``required``: header names (normalised) the file must have. ``numeric``: columns whose every non-blank
    cell must be a figure or a publisher's marker. ``title_contains``: text the title rows must contain, e.g.
    the period, so that a file for another period is refused instead of being labelled with the wrong one.
    Raises :class:`LayoutError` naming ``display_name`` and the line.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise LayoutError(f"{display_name}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    titles: list[str] = []
    header: list[str] | None = None
    header_line = 0
    rows: list[list[str]] = []
    lines: list[int] = []
    ended_at = 0
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if header is None:
                filled = [i for i, cell in enumerate(record) if cell.strip()]
                if len(filled) <= 1:
                    if filled and filled[0] != 0:
                        raise LayoutError(
                            f"{display_name}:{start}: a title or note row should have text in its first cell only, "
                            f"found it in column {filled[0] + 1}"
                        )
                    titles.extend(cell.strip() for cell in record if cell.strip())
                    if len(titles) > MAX_TITLE_ROWS:
                        raise LayoutError(
                            f"{display_name}:{start}: no header row within the first {MAX_TITLE_ROWS} rows"
                        )
                    continue
                header, header_line = [normalise_header(cell) for cell in record], start
                continue
            if _is_blank(record):
                ended_at = ended_at or start
                continue
            if ended_at:
                raise LayoutError(
                    f"{display_name}:{start}: text after the table, which ended with a blank row at line "
                    f"{ended_at} (a second table or footnotes are not expected here)"
                )
            if len(record) != len(header):
                raise LayoutError(
                    f"{display_name}:{start}: {len(record)} cells, but the header at line {header_line} has "
                    f"{len(header)} columns"
                )
            rows.append(record)
            lines.append(start)
    except csv.Error as err:
        raise LayoutError(f"{display_name}:{line}: not valid CSV ({err})") from None
    if header is None:
        raise LayoutError(f"{display_name}:{line}: no header row (only title and note rows)")
    named = [name for name in header if name]
    duplicates = sorted({name for name in named if named.count(name) > 1})
    if duplicates:
        raise LayoutError(f"{display_name}:{header_line}: header names {duplicates[0]!r} more than once")
    missing = [name for name in required if name not in header]
    if missing:
        raise LayoutError(
            f"{display_name}:{header_line}: header has no column {missing[0]!r} (found: {', '.join(named)})"
        )
    wanted = normalise_header(title_contains).lower()
    if wanted and wanted not in normalise_header(" ".join(titles)).lower():
        raise LayoutError(f"{display_name}:1: the title rows do not say {title_contains!r}; is this the right file?")
    if not rows:
        raise LayoutError(f"{display_name}:{header_line}: the header is followed by no data rows")
    frame = pd.DataFrame(rows, columns=[name or f"column {i + 1}" for i, name in enumerate(header)], dtype="string")
    for column in numeric:
        cells = frame[column].str.strip()
        bad = ~(cells.eq("") | cells.str.fullmatch(NUMBER.pattern) | cells.str.fullmatch(MARKER.pattern))
        if bad.any():
            at = int(bad.to_numpy().argmax())
            raise LayoutError(
                f"{display_name}:{lines[at]}: column {column!r}: {frame[column].iloc[at]!r} is neither a figure "
                "nor a publisher's marker such as [x]"
            )
    return frame
