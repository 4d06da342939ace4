"""The Word pack, opened with python-docx and checked against the evaluated scorecard."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from scorecard.export import build_pack
from scorecard.export.content import SCORECARD_HEADERS, SUMMARY_RAGS, data_as_at, long_date
from scorecard.export.word import HEADING_NUMBERING
from scorecard.present import wording
from scorecard.present.wording import ATTRIBUTION
from scorecard.register import Context

PERIOD = "2025/26 Q4"


@pytest.fixture(scope="module")
def doc(docx_bytes):
    return Document(io.BytesIO(docx_bytes))


def _blocks(doc):
    """(current Heading 1 text, block) for every paragraph and table in body order."""
    heading = None
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph) and block.style.name == "Heading 1":
            heading = block.text
        yield heading, block


def _scorecard_tables(doc) -> dict[str, Table]:
    """Theme title → its scorecard table."""
    out = {}
    for heading, block in _blocks(doc):
        if isinstance(block, Table) and tuple(c.text for c in block.rows[0].cells) == SCORECARD_HEADERS:
            title = heading
            assert title not in out, f"two scorecard tables under {heading}"
            out[title] = block
    return out


def test_every_measure_in_its_theme_table_with_engine_wording(doc, expected, reg):
    tables = _scorecard_tables(doc)
    assert set(tables) == {t.title for t in reg.themes}
    for theme in reg.themes:
        want = [e for e in expected if theme.id in e["themes"]]
        rows = tables[theme.title].rows[1:]
        assert len(rows) == len(want), theme.id
        for row, e in zip(rows, want):
            measure, value, target, rag, direction, quartile = (c.text for c in row.cells)
            assert measure == e["title"]
            value_lines = value.split("\n")
            assert value_lines[0] == e["value_text"], e["measure_id"]
            assert e["period"] in value_lines, e["measure_id"]
            assert rag == e["rag_text"], e["measure_id"]
            assert direction == e["direction_text"], e["measure_id"]
            assert ("(illustrative)" in value) == e["illustrative"], e["measure_id"]
            assert ("(proxy" in measure) == e["proxy"]


def test_real_heading_styles(doc, reg):
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    level1 = [text for style, text in headings if style == "Heading 1"]
    assert any(text.endswith("Summary") for text in level1)
    assert any(text.endswith("How to read this report") for text in level1)
    assert any(text.endswith("Sources and attribution") for text in level1)
    for theme in reg.themes:
        assert theme.title in level1, theme.title
    assert not any(text[:1].isdigit() for text in level1)  # numbers come from the style, never typed
    assert doc.styles["Heading 1"].element.pPr.numPr.numId.val == int(HEADING_NUMBERING)
    assert any(style == "Heading 2" for style, _ in headings)
    # the title page uses the Title style, not big bold Normal text
    assert any(p.style.name == "Title" and "Corporate Plan Overview Report (CPOR)" in p.text for p in doc.paragraphs)


def test_every_table_has_a_repeating_header_row(doc):
    assert len(doc.tables) >= 6 + 2
    for table in doc.tables:
        first = table.rows[0]._tr
        tr_pr = first.trPr
        assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
        # only the header row repeats
        for row in table.rows[1:]:
            pr = row._tr.trPr
            assert pr is None or pr.find(qn("w:tblHeader")) is None


def test_every_image_has_alt_text_and_each_exception_a_chart(doc, expected, charted):
    doc_prs = doc.element.body.findall(".//" + qn("wp:docPr"))
    exceptions = [e for e in expected if e["exception"]]
    assert len(doc_prs) == len(charted) == len(doc.inline_shapes)
    assert len(charted) == len(exceptions)  # every exception has data this period
    for doc_pr in doc_prs:
        assert doc_pr.get("descr", "").strip(), doc_pr.get("name")
    # the alt text reads out the latest value
    text = " ".join(d.get("descr") for d in doc_prs)
    for e in exceptions:
        assert e["title"] in text


def test_exceptions_list_reasons_and_owner(doc, expected, oracle):
    body = "\n".join(p.text for p in doc.paragraphs)
    owners = dict(zip(oracle["measure_id"], oracle["metric_responsibility"]))
    headings3 = [p.text for p in doc.paragraphs if p.style.name == "Heading 3"]
    for e in expected:
        if e["exception"]:
            assert e["title"] in headings3
            for reason in e["reasons"]:
                assert reason in body
            assert f"Responsible officer: {owners[e['measure_id']]}" in body
    # every red or amber exception carries the service's commentary or the flag that it has none
    paragraphs = doc.paragraphs
    for e in expected:
        if e["exception"] and e["rag_text"] in (wording.rag_text("red"), wording.rag_text("amber")):
            start = next(i for i, p in enumerate(paragraphs) if p.style.name == "Heading 3" and p.text == e["title"])
            end = next(i for i in range(start + 1, len(paragraphs)) if paragraphs[i].style.name.startswith("Heading"))
            block = "\n".join(p.text for p in paragraphs[start:end])
            assert "Commentary" in block or wording.NO_COMMENTARY in block, e["title"]


def test_summary_rag_counts(doc, expected, reg):
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Theme" and "Total" in t.rows[0].cells[-2].text)
    header = [c.text for c in table.rows[0].cells]
    n = len(SUMMARY_RAGS)
    assert header[1 : n + 1] == [wording.rag_text(code) for code in SUMMARY_RAGS]  # every code, suppressed too
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    for theme in reg.themes:
        mine = [e for e in expected if theme.id in e["themes"]]
        assert int(rows[theme.title][n + 1]) == len(mine)
        assert sum(int(x) for x in rows[theme.title][1 : n + 1]) == len(mine)
        assert int(rows[theme.title][n + 2]) == sum(e["exception"] for e in mine)
        for code, cell in zip(SUMMARY_RAGS, rows[theme.title][1 : n + 1]):
            assert int(cell) == sum(e["rag_text"] == wording.rag_text(code) for e in mine)
    assert int(rows["All themes"][n + 1]) == len(expected)


def test_title_page_attribution_and_how_to_read(doc, pack_dir):
    text = "\n".join(p.text for p in doc.paragraphs)
    day = data_as_at(Context.of(pack_dir))
    assert "Sefton Council" in text and PERIOD in text
    assert f"Data as at: {long_date(day)}" in text
    assert ATTRIBUTION in text
    assert "How to read this report" in text
    props = doc.core_properties
    assert props.created == datetime(day.year, day.month, day.day, tzinfo=UTC)
    assert props.modified == props.created


def test_same_data_same_bytes(docx_bytes, reg, pack_dir):
    again = build_pack(Context.of(pack_dir, reg), "docx", period=PERIOD, full=True)
    assert again == docx_bytes
    with zipfile.ZipFile(io.BytesIO(again)) as z:
        assert {info.date_time[:3] for info in z.infolist()} == {data_as_at(Context.of(pack_dir)).timetuple()[:3]}


def test_single_theme_pack(reg, pack_dir):
    data = build_pack(Context.of(pack_dir, reg), "docx", period=PERIOD, theme="financial_sustainability")
    doc = Document(io.BytesIO(data))
    level1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert any(t.endswith("Financial Sustainability") for t in level1)
    assert not any(t.endswith("Adult Social Care") for t in level1)
