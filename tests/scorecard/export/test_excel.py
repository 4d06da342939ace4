"""The Excel pack, opened with openpyxl and checked against the evaluated scorecard."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from scorecard.evaluation.judgements.exceptions import TIERS
from scorecard.export import build_pack
from scorecard.export.content import data_as_at, theme_sheet_name
from scorecard.export.excel import HEADER_ROW, number_format
from scorecard.present import wording
from scorecard.register import Context

PERIOD = "2025/26 Q4"
HEAD = HEADER_ROW + 1  # openpyxl rows are 1-based


@pytest.fixture(scope="module")
def book(xlsx_bytes):
    return load_workbook(io.BytesIO(xlsx_bytes))


def _records(sheet) -> list[dict]:
    header = [c.value for c in sheet[HEAD]]
    return [{h: cell for h, cell in zip(header, row)} for row in sheet.iter_rows(min_row=HEAD + 1)]


def test_sheets(book, reg):
    names = book.sheetnames
    for theme in reg.themes:
        assert theme_sheet_name(theme.title, theme.id) in names
    assert "Exceptions" in names and "Annual actions" in names and "Definitions" in names
    assert all(len(n) <= 31 for n in names)


def test_every_measure_numeric_with_engine_wording(book, expected, reg):
    for theme in reg.themes:
        rows = _records(book[theme_sheet_name(theme.title, theme.id)])
        want = [e for e in expected if theme.id in e["themes"]]
        assert [r["ID"].value for r in rows] == [e["measure_id"] for e in want]
        for r, e in zip(rows, want):
            cell = r["Value"]
            if e["value"] is None:
                assert cell.value is None
            else:
                assert cell.data_type == "n" and isinstance(cell.value, (int, float)), e["measure_id"]
                assert cell.value == pytest.approx(e["value"], abs=1e-9)
                assert cell.number_format == number_format(e["unit"], e["decimals"])
                # the number, shown with its format, reads as the engine writes it
                assert wording.format_value(cell.value, e["unit"], e["decimals"]) == e["value_text"]
            assert r["Measure"].value == e["title"]
            assert r["Period"].value == e["period"]
            assert r["RAG"].value == e["rag_text"]
            assert r["Direction"].value == e["direction_text"]
            assert (r["Status"].value == "Illustrative") == e["illustrative"]
            assert r["Exception"].value == ("Yes" if e["exception"] else "No")
            for name in ("Target", "Rank", "Group size", "Neighbour median", "England"):
                assert r[name].value is None or r[name].data_type == "n", (e["measure_id"], name)


def test_frozen_filtered_sized(book):
    for sheet in book.worksheets[1:]:
        assert sheet.freeze_panes is not None and sheet.freeze_panes.endswith(str(HEAD + 1)), sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith(f"A{HEAD}:"), sheet.title
        assert sheet.column_dimensions["B"].width > 20, sheet.title


def test_exceptions_sheet(book, expected, reg):
    rows = _records(book["Exceptions"])
    by_theme = [
        e["measure_id"]
        for theme in reg.themes
        for e in sorted(
            (e for e in expected if e["exception"] and theme.id in e["themes"]),
            key=lambda e: (TIERS.index(e["tier"]), e["severity"]),
        )
    ]
    assert [r["ID"].value for r in rows] == by_theme  # theme by theme, by tier, most severe first
    by_id = {e["measure_id"]: e for e in expected}
    for r in rows:
        e = by_id[r["ID"].value]
        assert r["Exception reasons"].value == "; ".join(e["reasons"])
        assert r["Tier"].value == wording.TIER[e["tier"]][0]
        assert r["RAG"].value == e["rag_text"]


def test_definitions_sheet(book, reg):
    rows = _records(book["Definitions"])
    assert [r["ID"].value for r in rows] == [m.id for m in reg.measures]
    for r, m in zip(rows, reg.measures):
        assert r["Definition"].value == m.definition
        assert r["Publisher"].value


def test_same_data_same_workbook(xlsx_bytes, reg, pack_dir):
    again = build_pack(Context.of(pack_dir, reg), "xlsx", period=PERIOD)
    assert again == xlsx_bytes
    first, second = load_workbook(io.BytesIO(xlsx_bytes)), load_workbook(io.BytesIO(again))
    for a, b in zip(first.worksheets, second.worksheets):
        assert [[c.value for c in row] for row in a.iter_rows()] == [[c.value for c in row] for row in b.iter_rows()]
    assert first.properties.created.date() == data_as_at(Context.of(pack_dir))  # never the time of export


def test_single_theme_workbook(reg, pack_dir):
    data = build_pack(Context.of(pack_dir, reg), "xlsx", period=PERIOD, theme="inclusive_growth")
    book = load_workbook(io.BytesIO(data))
    themes = [
        n
        for n in book.sheetnames
        if n not in ("Summary", "Exceptions", "Annual actions", "Financial position", "Risks", "Definitions")
    ]
    assert themes == ["Inclusive Growth"]
