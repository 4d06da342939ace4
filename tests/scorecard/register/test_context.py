"""The reading context: a folder, its version, the register and the council, resolved once."""

from __future__ import annotations

import json
from pathlib import Path

from scorecard import SEFTON, register
from scorecard.register import Context
from scorecard.store import storage


def test_of_defaults_to_the_data_folder_the_project_register_and_sefton(monkeypatch, tmp_path):
    monkeypatch.setenv("SCORECARD_DATA", str(tmp_path))
    ctx = Context.of()
    assert ctx.folder == tmp_path
    assert ctx.area == SEFTON
    assert [m.id for m in ctx.reg.measures] == [m.id for m in register.load().measures]


def test_of_keeps_what_it_is_given(tmp_path):
    reg = register.load()
    ctx = Context.of(str(tmp_path), reg, "E08000012")
    assert (ctx.folder, ctx.reg, ctx.area) == (Path(tmp_path), reg, "E08000012")


def test_version_is_read_now_not_when_made(tmp_path):
    ctx = Context.of(tmp_path, register.load())
    assert ctx.version == "unversioned"
    (tmp_path / storage.VERSION).write_text(json.dumps({"commit": "c1"}), encoding="utf-8")
    assert ctx.version == "c1"


def test_at_is_the_same_folder_and_register_for_another_council(tmp_path):
    ctx = Context.of(tmp_path, register.load())
    other = ctx.at("E08000012")
    assert (other.folder, other.reg, other.area, ctx.area) == (ctx.folder, ctx.reg, "E08000012", SEFTON)
