"""The pack's content model: the evaluated scorecard worded once for every format."""

from __future__ import annotations

import io
from datetime import date

import pytest

from scorecard.export import content
from scorecard.register import Context
from scorecard.store import db

PERIOD = "2025/26 Q4"


@pytest.fixture(scope="module")
def pack(oracle, reg, pack_dir):
    return content.build(Context.of(pack_dir, reg), period=PERIOD)


def test_rows_match_the_engine(pack, expected):
    rows = {r.measure_id: r for r in pack.rows}
    assert list(rows) == [e["measure_id"] for e in expected]
    for e in expected:
        row = rows[e["measure_id"]]
        assert row.display_title == e["title"]
        assert row.value_text == e["value_text"]
        assert row.period_label == e["period"]
        assert row.rag_text == e["rag_text"]
        assert row.direction_text == e["direction_text"]
        assert row.exception_reasons == e["reasons"]
        assert row.illustrative == e["illustrative"]
        assert e["value_text"] in row.value_cell and e["period"] in row.value_cell
        assert ("(illustrative)" in row.value_cell) == e["illustrative"]


def test_data_as_at_is_the_data_date_not_today(pack, pack_dir):
    (latest,) = db.connect(pack_dir).execute("SELECT max(source_modified) FROM batches").fetchone()
    assert pack.data_as_at == date.fromisoformat(latest)
    assert pack.data_as_at_text == content.long_date(pack.data_as_at)


def test_counts_add_up(pack, reg):
    assert [t.id for t in pack.themes] == [t.id for t in reg.themes]
    for theme in pack.themes:
        assert sum(theme.rag_counts().values()) == len(theme.rows)
        assert sum(theme.direction_counts().values()) == len(theme.rows)
    assert pack.period == PERIOD


def test_how_to_read_uses_engine_labels(pack):
    from scorecard.present import wording

    sections = dict(pack.how_to_read())
    rag_terms = [term for term, _ in sections["RAG rating against target"]]
    for code in wording.RAG:
        assert wording.rag_text(code) in rag_terms
    direction_terms = [term for term, _ in sections["Direction of travel"]]
    assert wording.direction_text("improving") in direction_terms


def test_one_theme_and_unknown_theme(reg, oracle, pack_dir):
    one = content.build(Context.of(pack_dir, reg), period=PERIOD, theme="health_wellbeing")
    assert [t.id for t in one.themes] == ["health_wellbeing"]
    assert {d.measure_id for d in one.definitions} == {r.measure_id for r in one.rows}
    with pytest.raises(KeyError):
        content.build(Context.of(pack_dir, reg), period=PERIOD, theme="no_such_theme")


def test_sheet_names_fit_excel():
    assert content.theme_sheet_name("Working for Our Communities Every Day", "communities") == "Communities"
    assert content.theme_sheet_name("Children & Young People", "children_young_people") == "Children & Young People"


def test_forecasts_at_risk_in_every_format(reg, data_dir, tmp_path):
    """Only real figures get a forecast status (#27), and no real in-year measure has a target: a 2025/26 target
    for homelessness preventions (forecast 33.3%, 50% band 18.4-48.3% at Q2) inside the band."""
    import docx
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from scorecard.export import build_pack
    from scorecard.ingest import ingest
    from scorecard.present import views

    path = tmp_path / "targets.csv"
    path.write_text(
        "measure_id,financial_year,target,tolerance,rationale\n"
        "com_homelessness_preventions_pct,2025/26,40,5,a test target\n",
        encoding="utf-8",
    )
    assert ingest(Context.of(data_dir), [path], user="bi", today=date(2025, 10, 15)).loaded  # set during 2025/26
    pack_dir = data_dir
    mid_year = content.build(Context.of(pack_dir, reg), period="2025/26 Q2")
    card = views.scorecard(Context.of(pack_dir, reg), period="2025/26 Q2")
    expected = list(views.forecasts_at_risk(card)["measure_id"])
    assert expected and [r.measure_id for r in mid_year.forecasts_at_risk] == expected
    first = mid_year.forecasts_at_risk[0]
    assert first.forecast_text.startswith("2025/26 year-end: ") and "80% interval" in first.forecast_text
    word = docx.Document(io.BytesIO(build_pack(Context.of(pack_dir, reg), "docx", period="2025/26 Q2")))
    table = next(t for t in word.tables if t.rows[0].cells[1].text == "Year-end forecast (80% interval)")
    assert [row.cells[1].text for row in table.rows[1:]] == [r.forecast_text for r in mid_year.forecasts_at_risk]
    book = load_workbook(io.BytesIO(build_pack(Context.of(pack_dir, reg), "xlsx", period="2025/26 Q2")))
    cells = {c.value for row in book["Summary"].iter_rows() for c in row if c.value}
    assert {r.forecast_text for r in mid_year.forecasts_at_risk} <= cells
    pdf = PdfReader(io.BytesIO(build_pack(Context.of(pack_dir, reg), "pdf", period="2025/26 Q2")))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages[:4])
    assert "At risk of missing the year-end target" in text and first.marked_title.split(" (")[0][:30] in text
