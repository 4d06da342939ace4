"""AppTest fixtures: the real app over the real data in data/."""

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from scorecard.store import db

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = ["overview", "theme", "measure", "actions", "golden_thread", "qsr"]
PAGES += ["exceptions", "benchmarking", "explore", "data"]


def run_app(monkeypatch, role: str, page: str = "overview", **params) -> AppTest:
    """Run the app once as ``role`` (the demo role: no sign-in configured), on ``page`` (by the ``page`` URL
    parameter) with other URL parameters; it must not raise."""
    monkeypatch.setenv("SCORECARD_DEMO_ROLE", role)
    at = AppTest.from_file(APP, default_timeout=90)
    if page != "overview":
        at.query_params["page"] = page
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def open_app(monkeypatch):
    """Open the app (optionally on a page, with query parameters) and run it once — as a council officer
    (the draft view of every quarter: no sign-in configured, demo role), as these page tests always did.
    Role-by-role visibility is tested in tests/app/test_roles.py."""
    monkeypatch.setenv("SCORECARD_DEMO_ROLE", "officer")

    def _open(_page: str = "overview", **params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if _page != "overview":
            at.switch_page(f"pages/{_page}.py")
            at.run()
        return at

    return _open


def open_as(monkeypatch, role: str, page: str = "overview", **params) -> AppTest:
    """:func:`run_app` with the app's caches kept, as a server keeps them between visitors: every cached read is
    keyed on role, data folder and data version, so a run after another role's, another folder's or a change
    to the data reads afresh — and a leak through a cache shows here as it would in production."""
    return run_app(monkeypatch, role, page, **params)


def reads(monkeypatch, folder: Path) -> None:
    """Point the app at ``folder`` (``SCORECARD_DATA``), with no officer override."""
    monkeypatch.setenv("SCORECARD_DATA", str(folder))
    monkeypatch.delenv("SCORECARD_OFFICER", raising=False)


def opener(monkeypatch, folder: Path):
    """:func:`open_as` over ``folder``: ``opener(monkeypatch, folder)(role, page, **params)``."""
    reads(monkeypatch, folder)
    return lambda role, page="overview", **params: open_as(monkeypatch, role, page, **params)


@pytest.fixture
def published_app_data(published_data, monkeypatch):
    """:func:`tests.conftest.published_data` (2025/26 Q2 published), read by the app: (folder, index entry)."""
    reads(monkeypatch, published_data[0])
    return published_data


@pytest.fixture
def app_data(built_data, tmp_path, monkeypatch):
    """A copy of the built data that the app reads (:func:`reads`); DuckDB's connection reset either side."""
    copy = tmp_path / "data"
    shutil.copytree(built_data[0], copy)
    reads(monkeypatch, copy)
    db.reset()
    yield copy
    db.reset()
