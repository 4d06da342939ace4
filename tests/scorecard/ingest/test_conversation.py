"""The performance conversation end to end: filled commentary, actions and targets templates loaded with the
command line; the text in the ledger, the audit log and all three pack formats; versions never overwritten;
a target approved for 2026/27 leaves 2025/26's RAG as it was; a rebuild keeps everything."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from _ingest_helpers import QUARTERLY, csv_bytes, digest
from docx import Document
from pypdf import PdfReader

from scorecard import SEFTON
from scorecard.__main__ import main
from scorecard.export import build_pack
from scorecard.governance import audit
from scorecard.governance import conversation as talk
from scorecard.ingest import build, ingest, sources
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import db, ledger

PERIOD = "2025/26 Q4"
EARLIER = "2025/26 Q2"  # no demo commentary for this quarter
ACTION = "asc_pa_workforce"
NARRATIVE = "Outcomes fell: two complex cases closed late after a <b>staffing</b> gap. =SUM(A1:A2)"
CORRECTIVE = "Weekly case review by the service manager; two posts recruited."
UPDATE = "Recruitment campaign delayed by a pay review; restarts in May."


def _template(kind: str, period: str, data_dir: Path, out: Path, theme: str = "adult_social_care") -> None:
    args = ["template", "--theme", theme, "--kind", kind, "--period", period, "--out", str(out)]
    assert main([*args, "--data-dir", str(data_dir)]) == 0


def _fill(path: Path, sheet: str, key: str, ident: str, values: dict) -> None:
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    hits = 0
    for cells in ws.iter_rows(min_row=2):
        if cells[header.index(key)].value == ident:
            for column, value in values.items():
                cells[header.index(column)].value = value
            hits += 1
    assert hits == 1
    book.save(path)


def _card(data_dir: Path, period: str = PERIOD) -> pd.DataFrame:
    db.reset()
    return views.scorecard(Context.of(data_dir), period=period).set_index("measure_id")


@pytest.fixture
def filled(data_dir, tmp_path):
    """Commentary, actions and targets templates, each with one row filled in."""
    files = {kind: tmp_path / f"{kind}.xlsx" for kind in ("commentary", "actions", "targets")}
    _template("commentary", PERIOD, data_dir, files["commentary"])
    _fill(
        files["commentary"],
        "commentary",
        "measure_id",
        QUARTERLY,
        {
            "narrative": NARRATIVE,
            "corrective_action": CORRECTIVE,
            "action_owner": "Service Manager",
            "due_date": "30/06/2026",
        },
    )
    _template("actions", PERIOD, data_dir, files["actions"])
    _fill(
        files["actions"],
        "actions",
        "action_id",
        ACTION,
        {"status": "amber", "percent_complete": 40, "narrative": UPDATE},
    )
    _template("targets", "2026/27 Q1", data_dir, files["targets"])
    _fill(
        files["targets"],
        "targets",
        "measure_id",
        QUARTERLY,
        {
            "target": 95,
            "tolerance": 2,
            "rationale": "Stretch target agreed with the service",
            "approved_by": "Cabinet",
            "approved_on": "2026-02-05",
        },
    )
    return files


def test_filled_templates_load_into_the_ledger_and_the_audit_log(data_dir, filled, capsys):
    before = _card(data_dir)
    assert main(["ingest", *map(str, filled.values()), "--user", "tester", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert out.count("loaded as batch") == 3

    said = ledger.latest(ledger.read(ledger.COMMENTARY, data_dir), ledger.COMMENTARY).set_index(
        ["measure_id", "period"]
    )
    row = said.loc[(QUARTERLY, PERIOD)]
    assert (row["narrative"], row["corrective_action"], row["action_owner"], row["due_date"]) == (
        NARRATIVE,
        CORRECTIVE,
        "Service Manager",
        "2026-06-30",
    )
    assert row["author"] == "tester" and row["source"] == "return" and not row["illustrative"]
    update = ledger.read(ledger.ACTION_UPDATES, data_dir).iloc[-1]
    assert (update["action_id"], update["status"], update["percent_complete"], update["narrative"]) == (
        ACTION,
        "AMBER",
        40.0,
        UPDATE,
    )
    target = ledger.read(ledger.TARGET_VERSIONS, data_dir).iloc[-1]
    assert (target["financial_year"], target["value"], target["approved_by"]) == ("2026/27", 95.0, "Cabinet")
    kinds = [e["detail"]["kind"] for e in audit.entries(data_dir) if e["action"] == "ingest" and e["who"] == "tester"]
    assert sorted(kinds) == ["actions", "commentary", "targets"]

    after = _card(data_dir)  # the 2026/27 target leaves 2025/26 as it was
    assert after.loc[QUARTERLY, "target"] == before.loc[QUARTERLY, "target"] == 91.0
    assert (after["rag"] == before["rag"]).all()

    again = ingest(Context.of(data_dir), [filled["commentary"]])  # the same file twice does nothing
    assert again.files[0].outcome == "already loaded" and not again.loaded


def test_a_2026_27_target_leaves_every_2025_26_quarter_unchanged(data_dir, tmp_path):
    ctx = Context.of(data_dir)
    quarters = ["2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4"]
    before = {q: _card(data_dir, q)[["target", "rag"]] for q in quarters}
    rows = [
        {"measure_id": m, "financial_year": "2026/27", "target": t, "tolerance": "1", "rationale": "2026/27 target"}
        for m, t in ((QUARTERLY, "99"), ("fin_council_tax_collection_pct", "90"))
    ]
    rows.append(
        {"measure_id": "cyp_sw_turnover_rate", "financial_year": "2026/27", "target": "5", "rationale": "fixed now"}
    )
    path = tmp_path / "targets.csv"
    path.write_bytes(csv_bytes(rows, header=["measure_id", "financial_year", "target", "tolerance", "rationale"]))
    assert ingest(ctx, [path], user="bi").loaded
    for quarter in quarters:
        pd.testing.assert_frame_equal(_card(data_dir, quarter)[["target", "rag"]], before[quarter])
    # a figure in 2026/27 is judged against the new target
    figure = tmp_path / "q1.csv"
    figure.write_bytes(
        csv_bytes([{"measure_id": QUARTERLY, "area_code": SEFTON, "period": "2026/27 Q1", "value": "98.5"}])
    )
    assert ingest(ctx, [figure], user="bi").loaded
    now = _card(data_dir, "2026/27 Q1").loc[QUARTERLY]
    assert (now["target"], now["rag"]) == (99.0, "amber")


def test_editing_commentary_twice_keeps_three_versions(data_dir):
    ctx = Context.of(data_dir)
    first = talk.save_commentary(ctx, QUARTERLY, EARLIER, {"narrative": "First draft."}, "officer a")
    second = talk.save_commentary(
        ctx, QUARTERLY, EARLIER, {"narrative": "Second.", "corrective_action": "Review"}, "officer b"
    )
    third = talk.save_commentary(ctx, QUARTERLY, EARLIER, {"narrative": "Third."}, "officer a")
    assert [v["version"] for v in (first, second, third)] == [1, 2, 3]
    versions = talk.history(ledger.COMMENTARY, QUARTERLY, EARLIER, data_dir)
    assert versions["narrative"].tolist() == ["Third.", "Second.", "First draft."]
    assert versions["author"].tolist() == ["officer a", "officer b", "officer a"]
    current = ledger.latest(ledger.read(ledger.COMMENTARY, data_dir), ledger.COMMENTARY)
    assert current.set_index(["measure_id", "period"]).loc[(QUARTERLY, EARLIER), "narrative"] == "Third."
    logged = [e for e in audit.entries(data_dir) if e["action"] == "commentary"]
    assert [(e["who"], e["detail"]["version"]) for e in logged] == [
        ("officer a", 1),
        ("officer b", 2),
        ("officer a", 3),
    ]


def test_an_unedited_auto_draft_is_marked_and_a_bad_edit_saves_nothing(data_dir):
    ctx = Context.of(data_dir)
    draft = "Technical commentary drafted by the engine."
    saved = talk.save_commentary(ctx, QUARTERLY, PERIOD, {"narrative": draft}, "officer", auto_draft=draft)
    assert saved["auto_drafted"]
    edited = talk.save_commentary(
        ctx, QUARTERLY, PERIOD, {"narrative": draft + " Edited."}, "officer", auto_draft=draft
    )
    assert not edited["auto_drafted"]
    snapshot = digest(data_dir)
    with pytest.raises(talk.ConversationError) as caught:
        talk.save_commentary(ctx, QUARTERLY, PERIOD, {"narrative": "x" * 4001, "due_date": "soon"}, "officer")
    assert {c for c, _ in caught.value.problems} == {"narrative", "due_date"}
    with pytest.raises(talk.ConversationError, match="outside 0–100"):
        talk.save_action_update(
            ctx, ACTION, PERIOD, {"status": "GREEN", "percent_complete": 120, "narrative": "x"}, "o"
        )
    assert digest(data_dir) == snapshot


def test_a_figure_note_is_kept_as_the_figures_note(data_dir, tmp_path):
    path = tmp_path / "q2.csv"
    path.write_bytes(
        csv_bytes(
            [
                {
                    "measure_id": QUARTERLY,
                    "area_code": SEFTON,
                    "period": "2025/26 Q2",
                    "value": "93.5",
                    "note": "Audit corrected two cases",
                }
            ]
        )
    )
    assert ingest(Context.of(data_dir), [path], user="bi").loaded
    notes = ledger.read(ledger.FIGURE_NOTES, data_dir)
    assert notes[["measure_id", "period_label", "note"]].values.tolist() == [
        [QUARTERLY, "2025/26 Q2", "Audit corrected two cases"]
    ]


def test_a_rebuild_keeps_what_people_wrote_and_the_targets_loaded(data_dir, filled):
    ctx = Context.of(data_dir)
    assert ingest(ctx, list(filled.values()), user="tester").loaded
    talk.save_commentary(ctx, QUARTERLY, PERIOD, {"narrative": "Written in the app."}, "officer")
    tables = {name: ledger.read(name, data_dir) for name in ledger.SCHEMAS}
    targets_before = pd.read_parquet(data_dir / "targets.parquet")
    build.build(sources_dir=sources.default_sources_dir(), data_dir=data_dir)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(ledger.read(name, data_dir), frame)  # the demo returns are not added again
    pd.testing.assert_frame_equal(pd.read_parquet(data_dir / "targets.parquet"), targets_before)


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_text_is_in_every_pack_format(data_dir, filled):
    ctx = Context.of(data_dir)
    assert ingest(ctx, list(filled.values()), user="tester").loaded
    db.reset()
    packs = {fmt: build_pack(ctx, fmt, period=PERIOD, theme="adult_social_care") for fmt in ("docx", "pdf", "xlsx")}
    word = _docx_text(packs["docx"])
    pdf = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(packs["pdf"])).pages))
    book = openpyxl.load_workbook(io.BytesIO(packs["xlsx"]))
    exceptions = "\n".join(str(c.value) for row in book["Exceptions"].iter_rows() for c in row if c.value is not None)
    actions = "\n".join(str(c.value) for row in book["Annual actions"].iter_rows() for c in row if c.value is not None)
    for text in (NARRATIVE, CORRECTIVE):
        assert text in word
        assert re.sub(r"\s+", "", text) in pdf  # literal: the <b> tag is printed, not applied
    assert NARRATIVE in exceptions and CORRECTIVE in exceptions
    assert UPDATE in word and re.sub(r"\s+", "", UPDATE) in pdf and UPDATE in actions
    assert "▲ Amber — being progressed but delayed" in word and "40% complete" in actions
    assert "Owner: Service Manager · due 2026-06-30" in word
    # a measure red or amber with no commentary is flagged in each format
    flag = "Red or amber without commentary"
    assert flag in word and re.sub(r"\s+", "", flag) in pdf and "Yes" in exceptions


def test_text_beginning_with_a_formula_is_neutralised_in_the_excel_pack(data_dir, tmp_path):
    ctx = Context.of(data_dir)
    path = tmp_path / "c.csv"
    path.write_bytes(
        csv_bytes(
            [
                {
                    "measure_id": QUARTERLY,
                    "period": PERIOD,
                    "narrative": "=HYPERLINK(\"http://x\",\"click\")",
                    "corrective_action": "@cmd",
                }
            ],
            header=["measure_id", "period", "narrative", "corrective_action"],
        )
    )
    assert ingest(ctx, [path], user="t").loaded
    db.reset()
    book = openpyxl.load_workbook(io.BytesIO(build_pack(ctx, "xlsx", period=PERIOD, theme="adult_social_care")))
    values = [
        c for row in book["Exceptions"].iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert values and all(c.value.startswith("'=") and c.data_type == "s" for c in values)
    assert any(c.value == "'@cmd" for row in book["Exceptions"].iter_rows() for c in row)
