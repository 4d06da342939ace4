"""The default CPOR at 2025/26 Q4: the council's Cabinet report frame, the front sheet first, the exceptions,
one thematic deep dive, the appendices — at most 24 pages, with a contents page and heading numbers from the
layout; nothing a developer wrote for himself (seed files, ids) in a member's paper. ``--full`` keeps the
detailed pack (tests/scorecard/export/test_pdf.py, test_word.py)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document
from pypdf import PdfReader

from scorecard.export import content
from scorecard.register import Context, releases
from scorecard.store import periods
from tests.scorecard.export.conftest import PERIOD

SECTIONS = [
    "Key messages",
    "Exceptions",
    "Deep dive: Children & Young People",
    "Annual actions",
    "Financial position",
    "Risks beside the measures and actions",
    "Appendix: the whole scorecard",
    "Sources and attribution",
]
MAX_PAGES = 24


@pytest.fixture(scope="module")
def pages(cpor_pdf):
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(cpor_pdf)).pages]


@pytest.fixture(scope="module")
def pack(oracle, reg, pack_dir):
    return content.build(Context.of(pack_dir, reg), period=PERIOD)


def test_the_default_pack_fits_a_cabinet_agenda(pages):
    assert len(pages) <= MAX_PAGES


def test_the_cabinet_report_frame_comes_first(pages, pack):
    cover = pages[0]
    squashed = re.sub(r"\s+", "", cover)
    for label, text in pack.cabinet_frame():
        assert re.sub(r"\s+", "", label + text) in squashed, label
        assert label in cover.replace("\n", " "), f"{label} is split mid-word"
    assert "April 2026" in cover  # Q4 goes to Cabinet in April (the strategic planning cycle)
    assert "post to be confirmed" in cover and "Recommendation" in cover
    assert "38 of the 86 measures have real figures" in cover.replace("\n", " ")


def test_a_contents_page_and_numbered_sections_in_the_council_s_order(pages):
    contents = pages[1]
    assert contents.startswith("Contents") or "Contents" in contents[:200]
    listed = [re.sub(r"\s+", " ", line) for line in contents.split("\n")]
    for n, section in enumerate(SECTIONS, start=1):
        assert any(line.startswith(f"{n}. {section}") for line in listed), section
    starts = [next(i for i, p in enumerate(pages) if i > 1 and f"{n}. {s}" in p) for n, s in enumerate(SECTIONS, 1)]
    assert starts == sorted(starts) and starts[0] == 2  # the front sheet on the third page, after the contents


def test_the_front_sheet_leads_with_real_figures(pages, pack):
    front = re.sub(r"\s+", " ", pages[2] + pages[3])  # the front sheet: at most the two pages after the contents
    assert front.startswith(pack.front.headline()[:60]) or pack.front.headline()[:60] in front
    for words in ("Going well.", "Going badly.", "Being done.", "The three biggest concerns", "The three best results"):
        assert words in front
    assert "Out of date: the latest return held is for 2024/25 Q1, not 2025/26 Q4." in front
    assert "The year's outturn against its target" in front and "At risk of missing" not in front  # Q4
    assert pack.year_outturn and pack.year_outturn[0].rag == "red"


def test_every_measure_for_decision_in_one_table_with_owner(pages, pack):
    text = re.sub(r"\s+", " ", "\n".join(pages))
    assert f"For decision ({len(pack.tier_rows('for_decision'))})" in text
    assert all(r.exception_tier == "for_decision" for r in pack.tier_rows("for_decision"))
    assert [r.illustrative for r in pack.tier_rows("for_decision")] == sorted(
        r.illustrative for r in pack.tier_rows("for_decision")
    )  # real figures first
    assert "Being done" in text and "Owner" in text


def test_one_deep_dive_suggested_by_the_release_calendar(pack, reg, pages):
    assert pack.deep_dive == releases.deep_dive(reg, periods.parse_label(PERIOD)) == "children_young_people"
    theme = pack.theme_section(pack.deep_dive)
    charted = {row.measure_id for row in pack.charted}
    assert charted == {row.measure_id for row in theme.rows}
    assert sum("England (dotted line)" in p for p in pages) > 0  # charts compare with England and neighbours


def test_no_development_artefacts_in_the_pack(pages, cpor_docx, reg):
    ids = [m.id for m in reg.measures] + [a.id for a in reg.priority_actions]
    word = "\n".join(p.text for p in Document(io.BytesIO(cpor_docx)).paragraphs)
    for text in ("\n".join(pages), word):
        for artefact in ("seed 00", "action id", ".txt, line", "Illustrative demo content"):
            assert artefact not in text
        assert not [i for i in ids if i in text]


def test_word_has_a_contents_field_and_numbered_heading_style(cpor_docx):
    doc = Document(io.BytesIO(cpor_docx))
    level1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert level1 == SECTIONS
    with zipfile.ZipFile(io.BytesIO(cpor_docx)) as z:
        assert 'instr="TOC \\o &quot;1-2&quot;' in z.read("word/document.xml").decode()
        assert "updateFields" in z.read("word/settings.xml").decode()
    assert doc.styles["Heading 1"].element.pPr.numPr is not None


def test_the_deep_dive_can_be_chosen(reg, pack_dir):
    chosen = content.build(Context.of(pack_dir, reg), period=PERIOD, deep_dive="adult_social_care")
    assert chosen.deep_dive == "adult_social_care" and chosen.compact
    assert not content.build(Context.of(pack_dir, reg), period=PERIOD, full=True).compact


def test_no_pack_table_header_splits_a_word():
    """#23: "Neighbo urs", "Am ber": every word of every pack table's header fits its column at the header font
    (the larger, 8 pt), inside the cell's 4 pt paddings."""
    from reportlab.lib.units import cm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from scorecard.export import pdf

    pdf._register_fonts()
    head = pdf._styles()["cell_head"]
    pairs = [name[: -len("_HEADERS")] for name in dir(content) if name.endswith("_HEADERS")]
    assert len(pairs) >= 8
    for name in pairs:
        headers, widths = getattr(content, f"{name}_HEADERS"), getattr(content, f"{name}_WIDTHS")
        for header, width in zip(headers, widths, strict=True):
            for word in header.split():
                assert stringWidth(word, head.fontName, head.fontSize) <= width * cm - 8, (name, word)
