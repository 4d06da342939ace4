"""The upload page (pages/upload.py): listed only with SCORECARD_OFFICER=1, shows the load history."""

from __future__ import annotations

from pathlib import Path

import pytest
from _ingest_helpers import csv_bytes, row
from streamlit.testing.v1 import AppTest

from scorecard.ingest import ingest
from scorecard.register import Context

APP = str(Path(__file__).resolve().parents[3] / "app.py")


def _open(officer: bool, data_dir, monkeypatch) -> AppTest:
    monkeypatch.setenv("SCORECARD_DATA", str(data_dir))
    if officer:
        monkeypatch.setenv("SCORECARD_OFFICER", "1")
    else:
        monkeypatch.delenv("SCORECARD_OFFICER", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


def test_upload_page_only_for_officers(data_dir, monkeypatch, tmp_path):
    path = tmp_path / "q2.csv"
    path.write_bytes(csv_bytes([row(value="91.5")]))
    assert ingest(Context.of(data_dir), [path], user="officer one").loaded
    at = _open(True, data_dir, monkeypatch)
    at.switch_page("pages/upload.py")
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Upload a return"]
    loads = at.dataframe[0].value
    assert loads["file"].tolist() == ["q2.csv"] and loads["user"].tolist() == ["officer one"]

    public = _open(False, data_dir, monkeypatch)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        public.switch_page("pages/upload.py")
