"""A corpus of faulty returns, generated here: each gives the right error and leaves data/ byte-identical.

Plus files that look odd but are fine (UTF-8 BOM, Windows line endings, suppression codes) and a
100,000-row return, which must validate and load in reasonable time.
"""

from __future__ import annotations

import io
import itertools
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from _ingest_helpers import COUNT, HEADER, MONTHLY, QUARTERLY, RETURN_YEARLY, YEARLY, csv_bytes, digest, row

from scorecard import ENGLAND, SEFTON
from scorecard.ingest import ingest
from scorecard.register import Context
from scorecard.store import storage


def _xlsx(path: Path, rows: list[dict], sheet: str = "figures", merge: str | None = None, header=HEADER) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for record in rows:
        ws.append([record.get(c, "") or None for c in header])
    if merge:
        ws.merge_cells(merge)
    book.save(path)


def _xlsx_with(rows: list[dict], edit=None):
    """Writes an XLSX return, changed by ``edit(book, sheet)`` before it is saved."""

    def write(path: Path) -> None:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "figures"
        sheet.append(HEADER)
        for record in rows:
            sheet.append([record.get(c, "") or None for c in HEADER])
        if edit:
            edit(book, sheet)
        book.save(path)

    return write


def _hide(book, sheet) -> None:
    book.create_sheet("notes")
    sheet.sheet_state = "hidden"


def _rezip(write, member: str, change):
    """Writes a workbook with ``write``, then one of its zip members changed by ``change(bytes)``."""

    def wrapped(path: Path) -> None:
        write(path)
        with zipfile.ZipFile(path) as archive:
            parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
        parts[member] = change(parts[member])
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)

    return wrapped


def _zip_bomb(path: Path, megabytes: int = 150) -> None:
    """A valid-looking return whose figures sheet is ``megabytes`` MB of identical rows, deflated to a few
    hundred KB — the kind that took a minute and 1 GB (or all memory) to open."""
    buffer = io.BytesIO()
    _xlsx_with([row()])(buffer)
    with zipfile.ZipFile(buffer) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    sheet = parts.pop("xl/worksheets/sheet1.xml")
    head, tail = sheet.split(b"</sheetData>")
    chunk = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000  # 1 MB
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(head)
            for _ in range(megabytes):
                out.write(chunk)
            out.write(b"</sheetData>" + tail)


def _csv(rows, **kw):
    return lambda path: path.write_bytes(csv_bytes(rows, **kw))


def _raw(data: bytes):
    return lambda path: path.write_bytes(data)


GOOD = csv_bytes([row()]).decode()
# name: (file name, writer, expected words in the error, expected (row, column) or None for a file-level error)
CORPUS = {
    "empty file": ("empty.csv", _raw(b""), "empty", None),
    "blank lines only": ("blank.csv", _raw(b"\n\r\n  \n"), "empty", None),
    "header only": ("header.csv", _raw(",".join(HEADER).encode() + b"\n"), "no data rows", None),
    "merged cells (xlsx)": (
        "merged.xlsx",
        lambda p: _xlsx(p, [row(), row(period="2025/26 Q1")], merge="A2:A3"),
        "merged cells A2:A3",
        None,
    ),
    "wrong sheet name (xlsx)": (
        "sheet.xlsx",
        lambda p: _xlsx(p, [row()], sheet="Sheet1"),
        "no sheet named 'figures'",
        None,
    ),
    "text in a number cell (xlsx)": (
        "text.xlsx",
        lambda p: _xlsx(p, [row(), row(period="2025/26 Q1", value="n/a")]),
        "expected a number, got 'n/a'",
        (3, "value"),
    ),
    "text in a number cell": ("text.csv", _csv([row(value="twelve")]), "expected a number, got 'twelve'", (2, "value")),
    "text in numerator": (
        "num.csv",
        _csv([row(numerator="ten", denominator="20")]),
        "expected a number",
        (2, "numerator"),
    ),
    "infinity": ("inf.csv", _csv([row(value="inf")]), "expected a number", (2, "value")),
    "unknown measure": (
        "measure.csv",
        _csv([row(), row(measure_id="asc_msp_outcome_met_pct")]),
        "unknown measure 'asc_msp_outcome_met_pct' (did you mean 'asc_msp_outcomes_met_pct'?)",
        (3, "measure_id"),
    ),
    "no measure id": ("nomeasure.csv", _csv([row(measure_id="")]), "no measure id", (2, "measure_id")),
    "unknown area": ("area.csv", _csv([row(area_code="E99999999")]), "unknown area code 'E99999999'", (2, "area_code")),
    "bad period": ("period.csv", _csv([row(period="Q2 2025/26")]), "unrecognised period 'Q2 2025/26'", (2, "period")),
    "impossible period": ("period2.csv", _csv([row(period="2025/27 Q2")]), "not consecutive", (2, "period")),
    "date as period": ("period3.csv", _csv([row(period="2025-09-30")]), "unrecognised period", (2, "period")),
    "blank period": ("period4.csv", _csv([row(period="")]), "no period", (2, "period")),
    "quarter for a financial-year measure": (
        "freq.csv",
        _csv([row(measure_id=RETURN_YEARLY, period="2024/25 Q2")]),
        "expected a financial year like '2024/25'",
        (2, "period"),
    ),
    "quarter for a monthly measure": (
        "freq2.csv",
        _csv([row(measure_id=MONTHLY, period="2024/25 Q2", value="5")]),
        "expected a month like 'Jan 2026'",
        (2, "period"),
    ),
    "future period": ("future.csv", _csv([row(period="2030/31 Q1")]), "after today", (2, "period")),
    "percent 101": ("pct.csv", _csv([row(value="101")]), "101 is outside 0–100", (2, "value")),
    "negative percent": ("pct2.csv", _csv([row(value="-1")]), "outside 0–100", (2, "value")),
    "numerator > denominator": (
        "numden.csv",
        _csv([row(value="", numerator="30", denominator="20")]),
        "30 is larger than the denominator 20",
        (2, "numerator"),
    ),
    "denominator zero": ("den0.csv", _csv([row(value="", numerator="0", denominator="0")]), "is 0", (2, "denominator")),
    "duplicate rows": ("dupe.csv", _csv([row(), row(value="50"), row()]), "already given in row 2", (3, "period")),
    "missing column": (
        "missing.csv",
        _raw(b"measure_id,period\nasc_msp_outcomes_met_pct,2025/26 Q2\n"),
        "missing column(s) value",
        None,
    ),
    "extra unknown column": (
        "extra.csv",
        _csv([row(vaule="1")], header=HEADER + ["vaule"]),
        "unknown column(s) 'vaule'",
        None,
    ),
    "duplicate column": (
        "dupcol.csv",
        _raw(b"measure_id,period,value,value\nx,2025/26 Q2,1,2\n"),
        "'value' appears twice",
        None,
    ),
    "non-UTF-8 bytes": (
        "latin1.csv",
        _raw(GOOD.replace("93.5", "93.5").encode() + "x,,2025/26 Q1,1,,,,café\n".encode("latin-1")),
        "not UTF-8 text (byte 0xE9)",
        None,
    ),
    "spreadsheet renamed .csv": ("binary.csv", _raw(b"\xd0\xcf\x11\xe0" + b"\x00" * 64), "not UTF-8", None),
    "corrupt xlsx": ("corrupt.xlsx", _raw(b"PK\x03\x04 definitely not a workbook"), "not a readable .xlsx", None),
    "unsupported file type": ("return.txt", _raw(GOOD.encode()), "unsupported file type '.txt'", None),
    "negative count": ("count.csv", _csv([row(measure_id=COUNT, value="-4")]), "-4 is negative", (2, "value")),
    "negative denominator": (
        "negden.csv",
        _csv([row(value="", numerator="1", denominator="-5")]),
        "negative",
        (2, "denominator"),
    ),
    "unknown status": ("status.csv", _csv([row(status="final")]), "'final' is not a status", (2, "status")),
    "revised given as a status": ("status2.csv", _csv([row(status="revised")]), "is not a status", (2, "status")),
    "value missing": ("novalue.csv", _csv([row(value="", status="ok")]), "no value", (2, "value")),
    "value given for a suppressed figure": (
        "supp.csv",
        _csv([row(value="12", status="suppressed")]),
        "status is suppressed",
        (2, "value"),
    ),
    "a public-extract measure in a return": (
        "public.csv",
        _csv([row(measure_id=YEARLY, period="2024/25", value="12")]),
        "comes from a published source (dfe_csc_outcomes), not from council returns",
        (2, "measure_id"),
    ),
    "England's figure in a return": (
        "england.csv",
        _csv([row(area_code=ENGLAND)]),
        f"may only give figures for {SEFTON}, not {ENGLAND}",
        (2, "area_code"),
    ),
    "another council's figure in a return": (
        "liverpool.csv",
        _csv([row(area_code="E08000012")]),
        "may only give figures for",
        (2, "area_code"),
    ),
    "implausible count (1e308)": (
        "huge.csv",
        _csv([row(measure_id=COUNT, value="1e308")]),
        "1e+308 is outside the plausible range 0 to 1e+09 for a count",
        (2, "value"),
    ),
    "implausible numerator": (
        "hugenum.csv",
        _csv([row(value="", numerator="1e12", denominator="2e12")]),
        "not a plausible count",
        (2, "numerator"),
    ),
    "year 0001 in a period": ("year1.csv", _csv([row(period="0001/02 Q1")]), "outside 1900–2099", (2, "period")),
    "period not written as a label": (
        "label.csv",
        _csv([row(period="01 Sep 2025")]),
        "write it as '1 Sep 2025'",
        (2, "period"),
    ),
    "unclosed quote swallowing the rows after it": (
        "quote.csv",
        _raw(
            GOOD.encode()
            + b'asc_msp_outcomes_met_pct,E08000014,2025/26 Q1,93,,,,"Staff shortage\n'
            + b"asc_msp_outcomes_met_pct,E08000014,2024/25 Q4,92,,,,\n"
        ),
        "a quoted value is not closed properly",
        (3, "note"),
    ),
    "quote closed rows later": (
        "quote2.csv",
        _raw(
            GOOD.encode()
            + b'asc_msp_outcomes_met_pct,E08000014,2025/26 Q1,93,,,,"Staff shortage\n'
            + b'asc_msp_outcomes_met_pct,E08000014,2024/25 Q4,92,,,,recovery"\n'
        ),
        "its quote is closed rows later",
        (3, "note"),
    ),
    "formula with no saved value (xlsx)": (
        "formula.xlsx",
        _xlsx_with([row(), row(period="2025/26 Q1", value="=90+3")]),
        "formula =90+3 has no saved value",
        (3, "value"),
    ),
    "row hidden in Excel (xlsx)": (
        "hidden.xlsx",
        _xlsx_with(
            [row(), row(period="2025/26 Q1")], lambda book, sheet: setattr(sheet.row_dimensions[3], "hidden", True)
        ),
        "the row is hidden in Excel",
        (3, "measure_id"),
    ),
    "column hidden in Excel (xlsx)": (
        "hiddencol.xlsx",
        _xlsx_with([row(note="checked")], lambda book, sheet: setattr(sheet.column_dimensions["H"], "hidden", True)),
        "the column is hidden in Excel",
        None,
    ),
    "two sheets read as figures (xlsx)": (
        "two.xlsx",
        _xlsx_with([row()], lambda book, sheet: book.create_sheet("Figures ")),
        "sheets 'figures' and 'Figures ' both read as 'figures'",
        None,
    ),
    "figures sheet hidden (xlsx)": ("hiddensheet.xlsx", _xlsx_with([row()], _hide), "the sheet is hidden", None),
    "sheet declaring too many cells (xlsx)": (
        "dimension.xlsx",
        _rezip(
            _xlsx_with([row()]),
            "xl/worksheets/sheet1.xml",
            lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:Z200000"/>', xml),
        ),
        "the sheet spans 5,200,000 cells",
        None,
    ),
    "zip bomb (xlsx)": ("bomb.xlsx", _zip_bomb, "more than the 4 MB / 200 parts", None),
    "unquoted comma": (
        "comma.csv",
        _raw(GOOD.encode() + b"asc_msp_outcomes_met_pct,E08000014,2025/26 Q1,93,,,,ok,yes, really\n"),
        "cells but only 8 column headings",
        None,
    ),
}


@pytest.fixture(scope="module")
def shared_data(built_data, tmp_path_factory):
    """One copy of the built data for the whole corpus (nothing may change it)."""
    import shutil

    folder = tmp_path_factory.mktemp("corpus") / "data"
    shutil.copytree(built_data[0], folder)
    return folder


@pytest.mark.parametrize("case", list(CORPUS), ids=list(CORPUS))
def test_faulty_return_is_refused_and_nothing_changes(case, shared_data, tmp_path):
    name, write, expected, where = CORPUS[case]
    path = tmp_path / name
    write(path)
    before = digest(shared_data)
    result = ingest(Context.of(shared_data), [path], user="corpus")
    assert not result.loaded and not result.ok
    errors = result.files[0].errors
    assert errors, f"{case}: no error"
    messages = [str(e) for e in errors]
    assert any(expected in m for m in messages), f"{case}: {messages}"
    assert all(m.startswith(name) for m in messages)
    if where is not None:
        hit = next(e for e in errors if expected in e.message)
        assert (hit.row, hit.column) == where, f"{case}: {hit}"
        if name.endswith(".xlsx"):
            assert hit.sheet == "figures" and "sheet 'figures', row" in str(hit)
    assert digest(shared_data) == before, f"{case}: data folder changed"


def test_corpus_has_at_least_25_distinct_faults():
    assert len(CORPUS) >= 25


def _current(data_dir, measure=QUARTERLY, period="2025/26 Q2"):
    obs = pd.read_parquet(storage.table_path(data_dir, "observations"))
    return obs[(obs.measure_id == measure) & (obs.area_code == SEFTON) & (obs.period_label == period)].iloc[0]


@pytest.mark.parametrize("variant", ["bom", "crlf", "bom+crlf", "xlsx percent cell", "suppression code"])
def test_excel_quirks_are_accepted(variant, data_dir, tmp_path):
    path = tmp_path / ("ok.xlsx" if "xlsx" in variant else "ok.csv")
    if variant == "xlsx percent cell":
        _xlsx(path, [row(value=0.935)])
        book = openpyxl.load_workbook(path)
        book["figures"]["D2"].number_format = "0.0%"
        book.save(path)
    elif variant == "suppression code":
        path.write_bytes(csv_bytes([row(value="c"), row(value="..", period="2025/26 Q1")]))
    else:
        data = csv_bytes(
            [row(note="Windows, quoted"), row(period="2025/26 Q1", value="92")],
            newline="\r\n" if "crlf" in variant else "\n",
        )
        path.write_bytes((b"\xef\xbb\xbf" if "bom" in variant else b"") + data)
    result = ingest(Context.of(data_dir), [path])
    assert result.loaded, [str(i) for i in result.files[0].issues]
    current = _current(data_dir)
    if variant == "suppression code":
        assert current["status"] == "suppressed" and pd.isna(current["value"])
    else:
        assert current["value"] == pytest.approx(93.5) and current["status"] == "revised"


def test_a_100k_row_return_loads_in_reasonable_time(data_dir, tmp_path, real_register):
    areas = pd.read_parquet(storage.table_path(data_dir, "areas"))["code"].tolist()
    quarters = [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in range(2010, 2026) for q in (1, 2, 3, 4)][:-2]
    measures = [
        QUARTERLY,
        COUNT,
        "asc_agency_workers_pct",
        "asc_clients_safeguarding_episode_pct",
        "asc_casework_audits_good_pct",
        "asc_clients_carers_asked_experience_pct",
    ]
    reg = real_register.model_copy(deep=True)  # a register that lets these returns write every area
    for measure_id in measures:
        reg.measure(measure_id).source.return_areas = areas
    combos = itertools.islice(itertools.product(measures, areas, quarters), 100_000)
    rows = [f"{m},{a},{q},{n % 97}" for n, (m, a, q) in enumerate(combos)]
    assert len(rows) == 100_000
    path = tmp_path / "big.csv"
    path.write_text("measure_id,area_code,period,value\n" + "\n".join(rows) + "\n")
    messages = []
    started = time.perf_counter()
    result = ingest(Context.of(data_dir, reg), [path], progress=messages.append)
    seconds = time.perf_counter() - started
    assert result.loaded and result.files[0].rows_accepted == 100_000, [str(i) for i in result.files[0].errors[:3]]
    assert any("validated 50,000/100,000" in m for m in messages)
    assert seconds < 30, f"100k rows took {seconds:.1f}s"
    obs = pd.read_parquet(storage.table_path(data_dir, "observations"))
    assert not obs.duplicated(["measure_id", "area_code", "period_end"]).any()


def test_red_figure_without_commentary_is_a_warning_not_an_error(data_dir, tmp_path):
    path = tmp_path / "red.csv"
    path.write_bytes(
        csv_bytes([row(value="80"), row(value="81", period="2025/26 Q1", note="Staff shortage; recovery plan agreed")])
    )
    result = ingest(Context.of(data_dir), [path])
    assert result.loaded
    warnings = [str(w) for w in result.files[0].warnings]
    assert warnings == [
        "red.csv, row 2, column 'note': warning: 80 is red against the target 91; add commentary "
        "(note) explaining it and the corrective action"
    ]
