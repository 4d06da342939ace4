"""The app after hardening (#13): public pages read only the published snapshot (a missing piece is "not in the
published report", never a live figure or a traceback); caches follow the data version, so a command-line
ingest or publish is seen by the next page run; tampering shows an integrity page; the upload page validates a
file once. No test here clears Streamlit's caches: what a visitor would see is what is asserted."""

from __future__ import annotations

import errno
import json

import pytest
from streamlit.testing.v1 import AppTest

from scorecard import __main__ as cli
from scorecard.governance import audit, publish
from scorecard.ingest import load
from scorecard.register import Context
from scorecard.store import storage
from tests.app.conftest import PAGES, run_app
from tests.app.test_roles import everything
from tests.conftest import PUBLISHED
from tests.scorecard.governance.test_integrity import KEPT_TAMPERS
from tests.scorecard.ingest._ingest_helpers import COUNT, QUARTERLY, csv_bytes, row

OLD = "2021/22 Q4"
"""Older than the latest eight quarters, and before the illustrative returns begin."""
DRAFT_VALUE, DRAFT_TEXT = 98765.0, ("98765", "98,765")
DRAFT_PERIODS = ("2026/27 Q1", "2026/27 Q2")
"""Quarters newer than every figure held: loaded as drafts after the publication (labels no text of the register
or of a forecast uses, so any mention is a leak)."""
UPLOADER, DRAFT_FILE = "zz-draft-uploader", "zz_draft_return.csv"


@pytest.fixture
def folder(app_data):
    return app_data


def _upload_page(monkeypatch) -> AppTest:
    at = run_app(monkeypatch, "officer")
    at.switch_page("pages/upload.py")
    at.run()
    assert [t.value for t in at.title] == ["Upload a return"]
    return at


def _picker(at: AppTest) -> list[str]:
    boxes = [s for s in at.sidebar.selectbox if s.label == "Reporting quarter"]
    return [str(o).split(" · ")[0] for o in boxes[0].options] if boxes else []


def _ingest(folder, tmp_path, rows, name="q.csv", user="officer one") -> None:
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    assert cli.main(["ingest", str(path), "--user", user, "--data-dir", str(folder)]) == 0


def test_a_command_line_ingest_is_seen_by_the_next_page_run(folder, tmp_path, monkeypatch):
    before = run_app(monkeypatch, "officer", "measure", measure=QUARTERLY, period=PUBLISHED)
    shown = before.metric[0].value
    _ingest(folder, tmp_path, [row(value="42.5")])  # another process, as far as the app's caches know
    after = run_app(monkeypatch, "officer", "measure", measure=QUARTERLY, period=PUBLISHED)
    assert shown != "42.5%" and after.metric[0].value == "42.5%"


def test_a_command_line_publish_is_seen_by_the_next_public_visit(folder, monkeypatch):
    assert any("No figures published yet" in i.value for i in run_app(monkeypatch, "public").info)
    assert cli.main(["publish", "--period", PUBLISHED, "--data-dir", str(folder)]) == 0
    at = run_app(monkeypatch, "public")
    assert [t.value for t in at.title] == [f"Corporate Plan overview — {PUBLISHED}"]
    later = run_app(monkeypatch, "public", period="2025/26 Q4")  # asked for by URL, not published
    assert any("due at Cabinet in April 2026" in i.value for i in later.info)  # strategic cycle: Q4 in April


def test_a_quarter_older_than_the_latest_eight_stays_selectable_and_missing_pieces_are_friendly(folder, monkeypatch):
    ctx = Context.of(folder)
    publish.publish(ctx, OLD, who="test admin")
    publish.publish(ctx, PUBLISHED, who="test admin")
    public = run_app(monkeypatch, "public", period=OLD)
    assert _picker(public) == [PUBLISHED, OLD]
    assert [t.value for t in public.title] == [f"Corporate Plan overview — {OLD}"]
    staff = run_app(monkeypatch, "officer")
    assert OLD in _picker(staff) and len(_picker(staff)) == 9  # the latest eight, and the old published one
    # the illustrative returns begin after OLD: the snapshot holds no figure, so no comparison, for this measure
    at = run_app(monkeypatch, "public", "measure", measure=QUARTERLY, period=OLD)
    assert at.metric[0].label == "Sefton, no data" and at.metric[0].value == "–"
    assert any("Not in the published report" in i.value for i in at.info)
    at = run_app(monkeypatch, "public", "benchmarking", measure=QUARTERLY, period=OLD)  # offered only ranked measures
    assert any("Not found" in w.value for w in at.warning) and at.title


def test_public_pages_show_nothing_of_newer_drafts(published_app_data, tmp_path, monkeypatch):
    folder, _ = published_app_data
    draft = [row(measure_id=COUNT, period=p, value=str(int(DRAFT_VALUE))) for p in DRAFT_PERIODS]
    _ingest(folder, tmp_path, draft, DRAFT_FILE, UPLOADER)
    for page in PAGES:
        at = run_app(monkeypatch, "public", page, measure=COUNT, period=PUBLISHED)
        text, numbers = everything(at)
        for secret in (*DRAFT_PERIODS, UPLOADER, DRAFT_FILE, *DRAFT_TEXT):
            assert secret not in text, (page, secret)
        assert not [n for n in numbers if abs(n - DRAFT_VALUE) < 1], page
        assert "Published report" in text, page  # the footer speaks of the published report
    data_page = run_app(monkeypatch, "public", "data")
    assert [t.label for t in data_page.tabs] == ["KPI register", "Sources and licences", "Coverage", "Release calendar"]
    staff = run_app(monkeypatch, "officer", "data")
    assert [t.label for t in staff.tabs][-2:] == ["Freshness", "Batches"]
    assert UPLOADER in everything(staff)[0]  # the detector finds the uploader where staff may see it


def _tamper_card(folder):
    path = folder / "snapshots" / "index.json"
    index = json.loads(path.read_text())
    card = publish.part(PUBLISHED, "card", folder)
    payload = publish._parquet_bytes(card.assign(value=card["value"] + 1000))
    digest = storage.sha256(payload)
    name = f"2025-26_Q2-card-{digest}.parquet"
    (folder / "snapshots" / name).write_bytes(payload)
    index["periods"][PUBLISHED]["parts"]["card"] = {"file": name, "sha256": digest, "rows": len(card)}
    path.write_text(json.dumps(index))


TAMPERING = {
    "forged card": _tamper_card,
    "corrupt index": lambda folder: (folder / "snapshots" / "index.json").write_text("{ not json"),
    "deleted index": lambda folder: (folder / "snapshots" / "index.json").unlink(),
    "missing trend snapshot": lambda folder: next((folder / "snapshots").glob("*-series-*")).unlink(),
    "edited audit line": lambda folder: (folder / storage.LOG).write_text(
        (folder / storage.LOG).read_text().replace('"test admin"', '"someone else"')
    ),
    **{
        name: KEPT_TAMPERS[name][0]  # what people wrote, and the commit record (#24)
        for name in (
            "forged commentary",
            "commentary truncated",
            "risks truncated",
            "version record deleted, log shortened",
        )
    },
}


@pytest.mark.parametrize("tamper", list(TAMPERING))
def test_tampering_shows_an_integrity_page_not_figures(published_app_data, monkeypatch, tamper):
    folder, _ = published_app_data
    run_app(monkeypatch, "public")  # a visitor before the tampering: the caches hold good figures
    TAMPERING[tamper](folder)
    for role in ("public", "officer"):
        at = run_app(monkeypatch, role, "measure", measure=QUARTERLY)
        assert not at.title and not at.metric and not at.dataframe, (tamper, role)  # no figure at all
        if role == "public":
            assert [w.value for w in at.warning][-1].startswith("**The published figures are temporarily")
            assert not at.error
        else:
            [failed] = at.error
            assert failed.value.startswith("**Integrity check failed.**"), failed.value


def test_the_upload_page_validates_a_file_once_and_records_its_load(folder, monkeypatch, spy):
    calls = spy(load, "check_file")
    at = _upload_page(monkeypatch)
    at.file_uploader[0].set_value(("q2.csv", csv_bytes([row(value="91.5")]), "text/csv")).run()
    assert len(calls) == 1 and at.metric[1].value == "1"
    at.checkbox[0].check().run()  # any rerun of the page: the report is reused, not validated again
    at.checkbox[0].uncheck().run()
    assert len(calls) == 1
    [button] = [b for b in at.button if b.label.startswith("Load 1 row")]
    button.click().run()
    assert not at.exception and any("Loaded q2.csv" in s.value for s in at.success)
    assert audit.entries(folder)[-1]["detail"]["via"] == "upload page"


def test_the_upload_page_reports_a_full_disk_and_loads_nothing(folder, monkeypatch):
    at = _upload_page(monkeypatch)
    at.file_uploader[0].set_value(("q2.csv", csv_bytes([row(value="91.5")]), "text/csv")).run()
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage, "_fsync", full)
    [button] = [b for b in at.button if b.label.startswith("Load 1 row")]
    button.click().run()
    assert not at.exception
    assert any("Nothing was loaded: could not write to" in e.value and "the disk is full" in e.value for e in at.error)
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before
