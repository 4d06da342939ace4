"""Ingest fixtures: a private copy of the built data per test (never /work/main/data)."""
from __future__ import annotations

import shutil

import pytest

from scorecard import db


@pytest.fixture
def data_dir(built_data, tmp_path):
    """A fresh copy of the session's built data folder."""
    folder = tmp_path / "data"
    shutil.copytree(built_data[0], folder)
    db.reset()
    yield folder
    db.reset()
