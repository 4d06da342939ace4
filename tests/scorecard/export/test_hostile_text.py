"""Text that could break a file or run as a formula, through every writer: the Word, PDF and Excel packs, the
command line's CSV and the return templates. A register with such titles cannot be loaded from YAML (see
tests/scorecard/register), so the titles are put in a copy of the loaded register, as a future data source
(commentary, area names) might bring them."""

from __future__ import annotations

import io

import docx
import openpyxl
import pandas as pd
import pytest

from scorecard import export
from scorecard.ingest import templates
from scorecard.present import output, views
from scorecard.register import Context

VT_MEASURE, FORMULA_MEASURE = "asc_msp_outcomes_met_pct", "asc_agency_workers_pct"
FORMULA = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture(scope="module")
def hostile(built_data, real_register):
    reg = real_register.model_copy(deep=True)
    reg.measure(VT_MEASURE).title = "Making Safeguarding Personal\x0boutcomes met"  # Excel's line break in a cell
    reg.measure(FORMULA_MEASURE).title = FORMULA
    return built_data[0], reg


def test_a_vertical_tab_no_longer_breaks_the_word_or_pdf_pack(hostile):
    data_dir, reg = hostile
    document = export.build_pack(Context.of(data_dir, reg), "docx", period="2025/26 Q2", theme="adult_social_care")
    text = "\n".join(
        [p.text for p in docx.Document(io.BytesIO(document)).paragraphs]
        + [c.text for t in docx.Document(io.BytesIO(document)).tables for r in t.rows for c in r.cells]
    )
    assert "Making Safeguarding Personal outcomes met" in text and "\x0b" not in text
    assert (
        export.build_pack(Context.of(data_dir, reg), "pdf", period="2025/26 Q2", theme="adult_social_care")[:4]
        == b"%PDF"
    )


def test_the_excel_pack_holds_formula_text_as_text(hostile):
    data_dir, reg = hostile
    book = openpyxl.load_workbook(
        io.BytesIO(export.build_pack(Context.of(data_dir, reg), "xlsx", period="2025/26 Q2", theme="adult_social_care"))
    )
    cells = [c for sheet in book.worksheets for r in sheet.iter_rows() for c in r if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)  # a string cell, never a formula ("f")


def test_the_command_line_csv_neutralises_formula_text(hostile):
    data_dir, reg = hostile
    frame = views.scorecard(Context.of(data_dir, reg), period="2025/26 Q2")
    written = pd.read_csv(io.StringIO(output.render(frame, "csv")), dtype=str)
    assert written.set_index("measure_id").loc[FORMULA_MEASURE, "title"] == "'" + FORMULA


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_never_carry_a_formula(hostile, fmt):
    data_dir, reg = hostile
    table = templates.frame("figures", "2025/26 Q2", [reg.measure(FORMULA_MEASURE)], reg, data_dir=data_dir)
    payload = templates.render(table, "figures", fmt, "2025/26 Q2")
    if fmt == "csv":
        assert pd.read_csv(io.BytesIO(payload), dtype=str)["title"].tolist() == ["'" + FORMULA]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(payload))["figures"]
        [title] = [c for c in sheet[2] if c.value == FORMULA]
        assert title.data_type == "s"
