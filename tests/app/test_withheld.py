"""Nothing made up is published: after publishing the shipped data, no illustrative figure, target,
commentary, action update or risk reaches a public or member page — they read "awaiting the service's
return" — while officers still see the demo content, badged.

Set-up (a private copy of the built data): every illustrative observation and every illustrative target is
set to a sentinel value before 2025/26 Q4 is published; the sentinels must never appear on a page a member
or the public can open, and must appear on the officer's (proving the detector works)."""

from __future__ import annotations

import io
import shutil

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from scorecard.governance import publish
from scorecard.register import Context
from scorecard.store import db
from tests.app.conftest import PAGES, opener
from tests.app.test_roles import everything

QUARTER = "2025/26 Q4"
FIGURE, TARGET = 65432.1, 54321.9
TEXTS = ("65432", "65,432", "54321", "54,321", "Illustrative example", "ILLUSTRATIVE target", "Illustrative demo")


def _sentinel(path, column: str, value: float) -> None:
    frame = pd.read_parquet(path)
    made_up = frame[column].eq("illustrative") if column == "status" else frame[column].fillna(False).astype(bool)
    assert made_up.sum() > 0
    frame.loc[made_up, "value"] = value
    frame.to_parquet(path, index=False)


@pytest.fixture(scope="module")
def withheld_data(built_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("withheld") / "data"
    shutil.copytree(built_data[0], folder)
    _sentinel(folder / "observations.parquet", "status", FIGURE)
    _sentinel(folder / "targets.parquet", "illustrative", TARGET)
    db.reset()
    publish.publish(Context.of(folder), QUARTER, who="test admin")
    yield folder
    db.reset()


def _found(at) -> list[str]:
    """Each sentinel found, with the text around it (so a failure says where)."""
    text, numbers = everything(at)
    around = [text[max(text.index(t) - 60, 0) : text.index(t) + 60] for t in TEXTS if t in text]
    return around + [str(n) for n in numbers if min(abs(n - FIGURE), abs(n - TARGET)) < 1]


@pytest.fixture
def as_role(withheld_data, monkeypatch):
    return opener(monkeypatch, withheld_data)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["public", "member"])
def test_no_illustrative_content_is_published(as_role, role, page):
    at = as_role(role, page, period=QUARTER)
    assert at.title
    assert not _found(at)


def test_withheld_figures_read_awaiting_the_service_s_return(as_role):
    at = as_role("public", "theme", period=QUARTER, theme="adult_social_care")
    assert "Awaiting return" in everything(at)[0]
    actions = as_role("public", "actions", period=QUARTER)
    assert "awaiting the service's return" in everything(actions)[0].lower()


def test_officers_still_see_the_demo_content(as_role):
    found = [f for page in ("overview", "theme", "actions") for f in _found(as_role("officer", page, period=QUARTER))]
    assert found, "the detector must find the illustrative sentinels on the officer's pages"


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_public_downloads_the_report_as_published(as_role, fmt):
    """#22/#23: nobody but staff could download even a published CPOR; now the public gets the published
    quarter — and nothing illustrative in it."""
    at = as_role("public", "overview", period=QUARTER)
    [prepare] = [b for b in at.button if b.label == f"Prepare {fmt.upper()}"]
    prepare.click().run()
    assert not at.exception, [e.value for e in at.exception]
    text = _pack_text(fmt, at.session_state[f"pack-{fmt}-{QUARTER}-all-published"])
    assert "Awaiting" in text and "Corporate Plan Overview Report" in text
    assert not [t for t in TEXTS if t in text]
    assert text.count("(illustrative)") == (1 if fmt == "xlsx" else 0)  # no figure marked; the workbook's legend
    assert not [n for n in ("65432", "54321") if n in text.replace(",", "")]


def _pack_text(fmt: str, data: bytes) -> str:
    if fmt == "pdf":
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)
