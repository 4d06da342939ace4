"""A directorate's Quarterly Service Report by the CPOR pack builder: ``python -m scorecard export --directorate``
writes Word, PDF and Excel holding exactly that directorate's measures, its priority actions, and the financial
position of its budget service lines with the council's own figures; the CPOR pack holds all eleven lines."""

from __future__ import annotations

import io

import docx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from scorecard.__main__ import main
from scorecard.export import build_pack
from scorecard.export.content import theme_sheet_name
from scorecard.register import Context, plan

PERIOD = "2025/26 Q4"
DIRECTORATE = "children_education"
SEED_LINES = {  # the seed's paragraph 2.3 (seed 001 lines 2354 and 2358): budget, forecast outturn, variance
    "Children's Social Care": ("£81.226m", "£84.726m", "+£3.500m", "▲ Adverse — forecast overspend"),
    "Education Excellence": ("£17.928m", "£17.928m", "£0.000m", "● On budget — forecast outturn equals the budget"),
}


@pytest.fixture(scope="module")
def qsr(pack_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("qsr")
    files = {}
    for fmt in ("docx", "pdf", "xlsx"):
        path = out / f"qsr.{fmt}"
        argv = ["export", "--directorate", DIRECTORATE, "--period", PERIOD, "--format", fmt, "--out", str(path)]
        assert main([*argv, "--data-dir", str(pack_dir)]) == 0
        files[fmt] = path.read_bytes()
    return files


@pytest.fixture(scope="module")
def scope(reg):
    return plan.scope(reg, "directorate", DIRECTORATE)


def test_the_workbook_holds_exactly_the_directorate_s_measures_and_finance(qsr, scope, reg):
    book = load_workbook(io.BytesIO(qsr["xlsx"]))
    assert book["Summary"]["A2"].value == "Quarterly Service Report (QSR)"
    ids = []
    for theme in reg.themes:
        name = theme_sheet_name(theme.title, theme.id)
        if name in book.sheetnames:
            sheet = book[name]
            ids += [row[0].value for row in sheet.iter_rows(min_row=4) if row[0].value]
    assert sorted(set(ids)) == sorted(scope.measures) and len(scope.measures) == 22
    actions = [row[1].value for row in book["Annual actions"].iter_rows(min_row=4) if row[1].value]
    titles = {a.id: a.title for a in reg.priority_actions}
    assert actions == [titles[a] for a in scope.actions]  # titles, never the register's ids
    finance = {row[0].value: row for row in book["Financial position"].iter_rows(min_row=4) if row[1].value}
    assert set(finance) == set(SEED_LINES)
    csc = finance["Children's Social Care"]
    assert (csc[2].value, csc[3].value, csc[4].value) == pytest.approx((81.226, 84.726, 3.5))
    assert csc[5].value == "▲ Adverse — forecast overspend" and "Cabinet 25 July 2024" in csc[8].value


def test_the_word_report_holds_the_measures_and_the_seed_s_figures(qsr, scope, reg):
    doc = docx.Document(io.BytesIO(qsr["docx"]))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Quarterly Service Report (QSR)" in text and "Directorate: Children's Social Care and Education" in text
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    finance = {row[0]: row for row in cells if row[0] in SEED_LINES}
    for title, (budget, forecast, variance, position) in SEED_LINES.items():
        assert finance[title][1:5] == [budget, forecast, variance, position]
    others = {m.title for m in reg.measures if m.id not in scope.measures}
    firsts = {row[0].removesuffix(" (proxy)").removesuffix(" (illustrative)") for row in cells}
    assert not others & firsts  # no other directorate's measure in any table
    tabled = "\n".join(c for row in cells for c in row)
    assert all(reg.measure(m).title in tabled for m in scope.measures)


def test_the_pdf_holds_the_financial_position_and_only_its_themes(qsr, scope):
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(qsr["pdf"])).pages)
    assert "Financial position" in text and "£81.226m" in text and "+£3.500m" in text and "Adverse" in text
    assert "Adult Social Care" not in text.split("Financial position")[1].split("Risks beside")[0]
    assert "Inclusive Growth" not in text and "Quarterly Service Report (QSR)" in text


def test_the_cpor_pack_holds_all_eleven_service_lines(reg, pack_dir, xlsx_bytes):
    book = load_workbook(io.BytesIO(xlsx_bytes))
    lines = [row for row in book["Financial position"].iter_rows(min_row=4) if row[1].value]
    assert [r[1].value for r in lines] == [s.id for s in reg.service_lines]
    assert sum(r[4].value for r in lines) == pytest.approx(5.380)
    assert book["Risks"].cell(4, 1).value.startswith("ILLUS-")
    assert "illustrative" in (book["Risks"]["A2"].value or "").lower()


def test_an_unknown_directorate_is_refused(capsys, tmp_path):
    assert main(["export", "--directorate", "nope", "--format", "xlsx", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "unknown directorate 'nope'" in capsys.readouterr().err


def test_a_portfolio_report_by_the_same_builder(reg, pack_dir):
    book = load_workbook(
        io.BytesIO(
            build_pack(
                Context.of(pack_dir, reg),
                "xlsx",
                period=PERIOD,
                scope=plan.scope(reg, "portfolio", "communities_partnership_engagement"),
            )
        )
    )
    actions = [row[1].value for row in book["Annual actions"].iter_rows(min_row=4) if row[1].value]
    assert actions == [a.title for a in reg.priority_actions if a.id == "com_pa_cost_of_living"]
    assert "No budget service line" in book["Financial position"]["A2"].value
