"""Journalled commits: a data version per commit, the audit log appended in the same commit, one re-entrant
writer lock, reads of one version, and an operating system's refusal as one clear error with nothing changed."""

from __future__ import annotations

import errno
import json
import os
import threading
import time

import pandas as pd
import pytest

from scorecard.store import chain, storage
from tests.scorecard.ingest._ingest_helpers import digest
from tests.scorecard.store.test_storage import AREAS, ROWS

LOG = [{"who": "tester", "action": "ingest", "detail": {"file": "q2.csv"}}]


@pytest.fixture
def folder(tmp_path):
    storage.write_tables(tmp_path, {"areas": AREAS, "observations": pd.DataFrame(ROWS)})
    return tmp_path


def test_every_commit_writes_a_new_version_and_appends_its_log_entries(folder):
    first = storage.version_record(folder)
    commit = storage.write_tables(folder, {"observations": pd.DataFrame(ROWS[:3])}, log=LOG)
    record = storage.version_record(folder)
    assert commit == record["commit"] == storage.version(folder) != first["commit"]
    assert record["parent"] == first["commit"]
    log = (folder / storage.LOG).read_bytes()
    assert record["log_head"] == chain.head(log) and record["log_lines"] == 1
    [entry] = chain.verify(log, record["log_head"])
    assert entry["who"] == "tester" and entry["at"] == record["at"]
    storage.write_tables(folder, {}, files={"notes/a.txt": b"x"})  # a commit without log entries
    assert storage.version_record(folder)["log_head"] == record["log_head"]
    assert not list(folder.rglob(".*.tmp")) and not (folder / storage.JOURNAL).exists()


def test_a_commit_never_extends_a_tampered_log(folder):
    storage.write_tables(folder, {}, log=LOG * 2)
    path = folder / storage.LOG
    path.write_bytes(path.read_bytes().replace(b"tester", b"someone else", 1))
    before = digest(folder)
    with pytest.raises(storage.IntegrityError, match="line 2: does not follow line 1"):
        storage.write_tables(folder, {"observations": pd.DataFrame(ROWS)}, log=LOG)
    assert digest(folder) == before


def test_frozen_files_are_written_once_and_read_only(folder):
    storage.write_tables(folder, {}, files={"snapshots/a.parquet": b"one"}, frozen=["snapshots/a.parquet"])
    path = folder / "snapshots" / "a.parquet"
    assert path.read_bytes() == b"one" and not path.stat().st_mode & 0o222
    storage.write_tables(folder, {}, files={"snapshots/a.parquet": b"one"}, frozen=["snapshots/a.parquet"])
    with pytest.raises(ValueError, match="refusing to replace a frozen file"):
        storage.write_tables(folder, {}, files={"snapshots/a.parquet": b"two"}, frozen=["snapshots/a.parquet"])
    assert path.read_bytes() == b"one"


def test_the_writer_lock_is_reentrant_in_a_thread_and_exclusive_between_threads(folder):
    order = []

    def other():
        with storage.locked(folder):
            order.append("other")

    with storage.locked(folder):
        with storage.locked(folder):  # re-entrant: a publish's commit inside its own lock
            thread = threading.Thread(target=other)
            thread.start()
            time.sleep(0.3)
            order.append("first")
    thread.join(timeout=10)
    assert order == ["first", "other"]


def test_a_read_that_overlaps_a_commit_is_run_again(folder):
    calls = []

    def read():
        calls.append(storage.version(folder))
        if len(calls) == 1:  # a writer commits while the first read is under way
            storage.write_tables(folder, {"observations": pd.DataFrame(ROWS[:2])})
        return len(pd.read_parquet(storage.table_path(folder, "observations")))

    assert storage.consistent(folder, read) == 2
    assert len(calls) == 2 and calls[0] != calls[1]

    def failing():
        calls.append("again")
        if len(calls) == 3:
            storage.write_tables(folder, {"observations": pd.DataFrame(ROWS)})
            raise OSError("a file replaced under the reader")
        return "read"

    assert storage.consistent(folder, failing) == "read"  # the error came from an overlapping commit
    with pytest.raises(KeyError):
        storage.consistent(folder, lambda: {}["not there"])  # any other error is the reader's own


@pytest.mark.parametrize(
    "code,reason",
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "the folder is read-only"),
        (errno.EACCES, "permission denied"),
        (errno.EDQUOT, "the disk quota is used up"),
    ],
)
def test_an_os_refusal_while_staging_is_one_clear_error_and_nothing_changes(folder, monkeypatch, code, reason):
    before = digest(folder)

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(storage.pq, "write_table", refuse)
    with pytest.raises(storage.WriteError) as caught:
        storage.write_tables(folder, {"observations": pd.DataFrame(ROWS)}, log=LOG)
    assert str(caught.value) == f"could not write to {folder}: {reason}. Nothing was changed."
    assert digest(folder) == before


def test_an_os_refusal_after_the_commit_point_completes_on_recovery(folder, monkeypatch):
    real_replace = os.replace

    def refuse_version(src, dst, *args, **kwargs):
        if str(dst).endswith(storage.VERSION):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(storage.os, "replace", refuse_version)
    with pytest.raises(storage.WriteError, match="committed and will be completed"):
        storage.write_tables(folder, {"observations": pd.DataFrame(ROWS[:1])}, log=LOG)
    monkeypatch.setattr(storage.os, "replace", real_replace)
    assert (folder / storage.JOURNAL).exists()
    assert storage.recover(folder)  # the next reader or writer finishes the commit
    assert len(pd.read_parquet(storage.table_path(folder, "observations"))) == 1
    assert chain.verify((folder / storage.LOG).read_bytes(), storage.version_record(folder)["log_head"])


def test_atomic_write_leaves_an_old_file_whole(tmp_path, monkeypatch):
    out = tmp_path / "pack.docx"
    storage.atomic_write(out, b"old pack")

    def refuse(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage, "_fsync", refuse)
    with pytest.raises(storage.WriteError, match="the disk is full. Nothing was changed"):
        storage.atomic_write(out, b"new pack, much longer")
    assert out.read_bytes() == b"old pack" and [p.name for p in tmp_path.iterdir()] == ["pack.docx"]


def test_a_version_file_is_plain_json(folder):
    record = json.loads((folder / storage.VERSION).read_text())
    assert set(record) == {"commit", "parent", "at", "log_head", "log_lines", "files"}


@pytest.mark.parametrize("moves", [[["../outside.txt", "observations.parquet"]], [["x.tmp", "../../version.json"]]])
def test_recovery_never_moves_a_file_across_the_data_folder_s_edge(tmp_path, moves):
    """#24: a journal naming ``../..`` paths made the next page view move a file from outside into ``data/`` and
    ``data/version.json`` out of it."""
    folder = tmp_path / "data"
    storage.write_tables(folder, {"areas": AREAS, "observations": pd.DataFrame(ROWS)})
    (tmp_path / "outside.txt").write_text("not data")
    (folder / "x.tmp").write_text("staged")
    before = digest(tmp_path)
    (folder / storage.JOURNAL).write_text(json.dumps({"moves": moves}))
    with pytest.raises(storage.IntegrityError, match="names a path outside the data folder"):
        storage.recover(folder)
    (folder / storage.JOURNAL).unlink()
    assert digest(tmp_path) == before  # nothing moved, in or out
