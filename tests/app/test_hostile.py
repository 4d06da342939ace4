"""Hostile input: SQL fragments, path traversal, HTML / script and markdown links, oversized values — in URL
query parameters (every page, public and officer) and straight into the engine. Nothing gets through,
nothing crashes, the data folder is untouched."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from scorecard.governance import publish
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import db
from tests.app.conftest import APP, PAGES

HOSTILE = [
    "' OR '1'='1",
    "x'); DROP TABLE observations; --",
    "1 UNION SELECT * FROM read_csv('/etc/passwd')",
    "../../../../etc/passwd",
    "..%2F..%2Fdata%2Fobservations.parquet",
    "<script>alert('pwned')</script>",
    "<img src=x onerror=alert(1)>",
    "[Sign in here](https://evil.example/login)",
    "![x](https://evil.example/pixel.png)",
    "**bold** _it_ `code` # heading",
    "2025/26 Q2\x00",
    "Q" * 20_000,
]
PARAMS = ["page", "period", "measure", "theme", "group", "node", "kind", "directorate", "portfolio"]
UNESCAPED = re.compile(r"(?<!\\)<(script|img)|(?<!\\)\]\(|(?<!\\)!\[|(?<!\\)\*\*bold")
"""Markup from a hostile value that reached a markdown body without its escaping backslash."""


@pytest.fixture(scope="module")
def hostile_data(published_once, tmp_path_factory):
    """A copy of the data with 2025/26 Q2 published, for the module (the tests check nothing changes it)."""
    folder = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(published_once[0], folder)
    db.reset()
    yield folder
    db.reset()


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def _markdown_bodies(at: AppTest) -> list[tuple[str, bool]]:
    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None and type(proto).__name__ in ("Markdown", "Alert"):
            out.append((proto.body, getattr(proto, "allow_html", False)))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return out


UI_HOSTILE = [HOSTILE[i] for i in (1, 3, 5, 6, 7, 10, 11)]
"""One of each kind (SQL, traversal, script, HTML, markdown link, NUL, oversized), to keep the suite quick."""
CASES = [("public", page) for page in PAGES] + [("officer", "measure"), ("officer", "benchmarking")]


def _check(at: AppTest, where) -> None:
    assert not at.exception, (where, [e.value for e in at.exception])
    for body, allow_html in _markdown_bodies(at):
        assert not UNESCAPED.search(body), (where, body[:200])
        assert len(body) < 12_000, where  # an oversized value is cut short, never echoed whole
        if allow_html:  # the only HTML markdown is the engine's RAG badges: never a URL value
            assert "evil" not in body and "script" not in body and "onerror" not in body, where


@pytest.mark.parametrize("role,page", CASES)
def test_hostile_query_params_are_refused_politely(hostile_data, monkeypatch, role, page):
    """Every URL parameter a page reads set to the same hostile value at once."""
    monkeypatch.setenv("SCORECARD_DATA", str(hostile_data))
    monkeypatch.setenv("SCORECARD_DEMO_ROLE", role)
    before = _fingerprint(hostile_data)
    for value in UI_HOSTILE:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["page"] = page
        for param in PARAMS[1:]:
            at.query_params[param] = value
        at.run()
        _check(at, (role, page, value[:30]))
        assert any("Not found" in w.value for w in at.warning), (role, page, value[:30])
    assert _fingerprint(hostile_data) == before


def test_hostile_page_param(hostile_data, monkeypatch):
    monkeypatch.setenv("SCORECARD_DATA", str(hostile_data))
    monkeypatch.setenv("SCORECARD_DEMO_ROLE", "public")
    for value in UI_HOSTILE:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["page"] = value
        at.run()
        _check(at, ("page", value[:30]))


@pytest.mark.parametrize("value", HOSTILE)
def test_engine_binds_every_value(hostile_data, real_register, value):
    con = db.connect(hostile_data)
    assert con.execute("SELECT count(*) FROM observations WHERE measure_id = ?", [value]).fetchone() == (0,)
    assert views.sparklines(Context.of(hostile_data, real_register, value)) == {}
    assert views.freshness(Context.of(hostile_data, real_register, value))["latest_period_area"].isna().all()
    with pytest.raises((LookupError, ValueError)):
        views.scorecard(Context.of(hostile_data, real_register, value))
    with pytest.raises(publish.PublishError):
        publish.publish(Context.of(hostile_data), value, who="x")
    with pytest.raises(publish.SnapshotError):
        publish.load(value, data_dir=hostile_data)
    assert views.sparklines(Context.of(hostile_data, real_register))  # the real area still works afterwards


def test_search_words_are_plain_text(hostile_data, real_register):
    card = views.scorecard(Context.of(hostile_data, real_register), period="2025/26 Q2")
    for value in HOSTILE:
        assert isinstance(views.search(card, value, real_register), pd.DataFrame)


def test_upload_limits_are_declared():
    """The upload page is owned by the ingest work: check it keeps a size cap and a type allow-list."""
    source = (Path(APP).parent / "pages" / "upload.py").read_text()
    assert 'type=["csv", "xlsx"]' in source
    assert "MAX_MB = 20" in source and "upload.size > MAX_MB * 1024 * 1024" in source
    assert "access.can_upload(auth.role())" in source
