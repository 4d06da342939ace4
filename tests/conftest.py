"""Shared fixtures: the real register, and real data built once per test session into a temp folder."""

from __future__ import annotations

import copy
import functools
import shutil

import pytest

from scorecard import register
from scorecard.governance import publish
from scorecard.ingest import build, sources
from scorecard.register import Context
from scorecard.store import db


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once():
    """Streamlit's AppTest re-scans every installed package for custom-component manifests on each run (about
    40% of an AppTest run here); a server scans once at start. The packages do not change during a test session, so
    the first scan's answer is reused, as a server would."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # a Streamlit before custom components v2 does not scan
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            manifest_scanner, "scan_component_manifests", functools.cache(manifest_scanner.scan_component_manifests)
        )
        yield


@pytest.fixture(scope="session")
def real_register():
    return register.load()


@pytest.fixture(scope="session")
def built_data(tmp_path_factory):
    """The real public extracts built into a fresh folder (skipped if ../shared is absent)."""
    source_dir = sources.default_sources_dir()
    if not source_dir.is_dir():
        pytest.skip(f"public extracts not found at {source_dir}")
    out = tmp_path_factory.mktemp("data")
    counts = build.build(sources_dir=source_dir, data_dir=out)
    return out, counts


@pytest.fixture
def spy(monkeypatch):
    """``spy(owner, name)`` wraps ``owner.name`` for the test and returns the list of the first argument of
    every call (the calls still happen)."""

    def install(owner, name: str) -> list:
        calls, real = [], getattr(owner, name)

        def counted(*args, **kwargs):
            calls.append(args[0] if args else None)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)
        return calls

    return install


PUBLISHED = "2025/26 Q2"
"""The quarter :func:`published_once` publishes."""


@pytest.fixture(scope="session")
def published_once(built_data, tmp_path_factory):
    """The built data with :data:`PUBLISHED` published by "test admin" (once per session), and its index entry.
    Read-only: tests that change it take :func:`published_data`."""
    folder = tmp_path_factory.mktemp("published") / "data"
    shutil.copytree(built_data[0], folder)
    db.reset()
    entry = publish.publish(Context.of(folder), PUBLISHED, who="test admin")
    db.reset()
    return folder, entry


@pytest.fixture
def published_data(published_once, tmp_path):
    """A fresh copy of :func:`published_once`: (folder, the published index entry)."""
    folder = tmp_path / "data"
    shutil.copytree(published_once[0], folder)
    db.reset()
    yield folder, copy.deepcopy(published_once[1])
    db.reset()


@pytest.fixture
def data_dir(built_data, tmp_path):
    """A fresh copy of the session's built data folder, for tests that write to it."""
    folder = tmp_path / "data"
    shutil.copytree(built_data[0], folder)
    db.reset()
    yield folder
    db.reset()
