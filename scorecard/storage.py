"""Where the built tables live and how they are written: Parquet files in ``data/``, replaced atomically.

Multi-file updates (a build, an ingest) are *journalled*: every new file is first written in full to a
temporary file beside its final path; then one small journal ``data/.commit.json`` listing the moves is
written (temp file + ``os.replace``, so it appears whole or not at all) — that is the commit point; then
each temporary file is moved into place with ``os.replace`` (observations last); then the journal is
removed. A crash before the journal exists leaves the old files untouched (stray temporary files are
swept by :func:`recover`); a crash after it is rolled forward by :func:`recover`, which every writer calls
first and which readers should call before opening the tables. Writers serialise on ``data/.lock``.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

PROJECT_DIR = Path(__file__).resolve().parent.parent
TABLES = ("areas", "comparator_groups", "observations", "targets", "batches")
"""Tables every built data folder has (``db.connect`` makes a view of each)."""
HISTORY = "observation_history"
"""Superseded observation rows (with ``superseded_by`` batch and ``superseded_at``): written by build and
ingest beside the tables; not required by :func:`is_built`, so folders built before it existed still open."""
JOURNAL = ".commit.json"
PAUSE_ENV = "SCORECARD_COMMIT_PAUSE"
"""Test hook: seconds to sleep before the journal and between file moves (to kill a writer mid-commit)."""
CRASH_ENV = "SCORECARD_COMMIT_CRASH_AT"
"""Test hook: SIGKILL the writer at a commit step: ``staged`` (journal not yet written) or ``N`` (journal
written, N files moved into place)."""


def default_data_dir() -> Path:
    """``$SCORECARD_DATA`` or the project's ``data/`` folder."""
    return Path(os.environ.get("SCORECARD_DATA") or PROJECT_DIR / "data")


def table_path(data_dir: Path, name: str) -> Path:
    """The Parquet file of a table."""
    return Path(data_dir) / f"{name}.parquet"


def is_built(data_dir: Path) -> bool:
    """True when every table exists."""
    return all(table_path(data_dir, name).is_file() for name in TABLES)


ROW_GROUP_ROWS = 32_768
"""Small Parquet row groups, so that reading a few areas skips the rest (min/max statistics)."""


def sort_observations(frame: pd.DataFrame) -> pd.DataFrame:
    """The storage order of observations: by area, then measure and period (see :data:`ROW_GROUP_ROWS`)."""
    return frame.sort_values(["area_code", "measure_id", "period_end"], kind="stable").reset_index(drop=True)


def _fsync(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _step(name: str) -> None:
    """Test hooks (see :data:`PAUSE_ENV`, :data:`CRASH_ENV`); nothing happens unless they are set."""
    seconds = float(os.environ.get(PAUSE_ENV) or 0)
    if seconds:
        time.sleep(seconds)
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _stage(final: Path, write: Callable[[str], None]) -> str:
    final.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=f"{final.suffix}.tmp", dir=final.parent)
    os.close(handle)
    try:
        write(temp)
        os.chmod(temp, 0o644)
        _fsync(temp)
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def write_tables(data_dir: Path, tables: dict[str, pd.DataFrame], files: dict[str, bytes] | None = None,
                 schemas: dict[str, pa.Schema] | None = None) -> None:
    """Replace tables (and other files, by path relative to ``data_dir``) all together: journalled, so
    a reader or a crash never leaves a mix of old and new once :func:`recover` has run (module docstring).

    ``schemas`` casts a table to a given Arrow schema (an ingest keeps the schema the build wrote, so a
    DuckDB view made over the old file still binds)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    recover(data_dir)
    staged: list[tuple[str, Path]] = []
    try:
        for rel, payload in (files or {}).items():
            final = data_dir / rel
            staged.append((_stage(final, lambda temp, payload=payload: Path(temp).write_bytes(payload)), final))
        # observations last: a reader that sees the new observations sees every other new table too
        ordered = sorted(tables.items(), key=lambda item: item[0] == "observations")
        for name, frame in ordered:
            schema = (schemas or {}).get(name)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if schema is not None:
                table = table.select(schema.names).cast(schema)
            staged.append((_stage(table_path(data_dir, name),
                                  lambda temp, table=table: pq.write_table(table, temp, row_group_size=ROW_GROUP_ROWS)),
                           table_path(data_dir, name)))
        _step("staged")
        journal = {"moves": [[os.path.relpath(temp, data_dir), os.path.relpath(final, data_dir)]
                             for temp, final in staged]}
        temp_journal = _stage(data_dir / JOURNAL, lambda temp: Path(temp).write_text(json.dumps(journal)))
        os.replace(temp_journal, data_dir / JOURNAL)  # the commit point
        _fsync(data_dir)
    except BaseException:
        for temp, _ in staged:
            if os.path.exists(temp):
                os.unlink(temp)
        raise
    _roll_forward(data_dir, journal)


def _roll_forward(data_dir: Path, journal: dict) -> None:
    for number, (temp, final) in enumerate(journal["moves"]):
        _step(str(number))
        with contextlib.suppress(FileNotFoundError):  # already moved (by us before a crash, or a reader)
            os.replace(data_dir / temp, data_dir / final)
    _step(str(len(journal["moves"])))
    _fsync(data_dir)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(data_dir / JOURNAL)


def recover(data_dir: Path, sweep: bool = False) -> bool:
    """Finish a commit a crash interrupted (roll it forward); cheap (one ``stat``) when there is nothing
    to do, safe for readers to call. ``sweep`` (writers, under :func:`locked`) also deletes temporary
    files of a commit that never reached its journal. True when something was repaired."""
    data_dir = Path(data_dir)
    repaired = False
    journal_path = data_dir / JOURNAL
    try:
        journal = json.loads(journal_path.read_text())
    except FileNotFoundError:
        journal = None
    except ValueError:  # cannot happen (the journal is written by replace); never block readers
        journal = {"moves": []}
    if journal is not None:
        _roll_forward(data_dir, journal)
        repaired = True
    if sweep:
        for folder in (data_dir, data_dir / "accepted"):
            if folder.is_dir():
                for stray in folder.glob(".*.tmp"):
                    with contextlib.suppress(FileNotFoundError):
                        stray.unlink()
                        repaired = True
    return repaired


@contextlib.contextmanager
def locked(data_dir: Path):
    """Hold the data folder's writer lock (one build or ingest at a time): ``flock`` on the folder
    itself, so no lock file is left in it."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def record_load(data_dir: Path, entry: dict) -> None:
    """Append one line to ``data/load_log.jsonl``: every accepted load is recorded."""
    entry = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **entry}
    with (Path(data_dir) / "load_log.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")
