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
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

PROJECT_DIR = Path(__file__).resolve().parents[2]
TABLES = ("areas", "comparator_groups", "observations", "targets", "batches", "period_values")
"""Tables every built data folder has (``db.connect`` makes a view of each). ``period_values`` is derived:
:func:`write_tables` writes it from the observations in the same commit (see :func:`write_period_values`)."""
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


KEYS = ("area_key", "measure_key", "recency")
"""Integer columns :func:`write_tables` derives for every observation, so that the evaluation joins and
filters on small integers instead of text codes and dates: the area's ``area_key`` (its row in ``areas``,
ordered by code), the measure's rank among the stored measure ids, and the row's ``recency`` in its series
(area × measure): 1 for the latest stored period, 2 for the one before, and so on. The latest 13 periods
of every series are then a plain filter, ``recency <= 13``, that DuckDB applies while it reads."""


def keyed_areas(areas: pd.DataFrame) -> pd.DataFrame:
    """The areas table ordered by code, with ``area_key`` 0, 1, 2 …"""
    areas = areas.drop(columns="area_key", errors="ignore").sort_values("code", kind="stable")
    return areas.reset_index(drop=True).assign(area_key=lambda frame: np.arange(len(frame), dtype=np.int32))


def keyed_observations(frame: pd.DataFrame, areas: pd.DataFrame, measure_ids: list[str] | None = None) -> pd.DataFrame:
    """Observations in storage order with :data:`KEYS` (``areas`` as from :func:`keyed_areas`; ``measure_ids``
    every stored measure id, sorted — by default those in ``frame``). A chunk must hold whole series."""
    frame = sort_observations(frame.drop(columns=list(KEYS), errors="ignore"))
    area_key = frame["area_code"].astype(object).map(dict(zip(areas["code"], areas["area_key"])))
    if area_key.isna().any():
        unknown = frame.loc[area_key.isna(), "area_code"].iloc[0]
        raise ValueError(f"observations for an area not in the areas table: {unknown}")
    ids = np.asarray(
        measure_ids if measure_ids is not None else sorted(frame["measure_id"].astype(object).unique()), dtype=object
    )
    measure_key = np.searchsorted(ids, frame["measure_id"].astype(object).to_numpy())
    series = area_key.to_numpy(np.int64) * (len(ids) + 1) + measure_key
    positions = np.arange(len(frame))
    is_last = np.append(series[1:] != series[:-1], True)[: len(frame)]
    ends = np.minimum.accumulate(np.where(is_last, positions, len(frame))[::-1])[::-1]  # each series' last row
    return frame.assign(
        area_key=area_key.to_numpy(np.int32),
        measure_key=measure_key.astype(np.int32),
        recency=(ends - positions + 1).astype(np.int32),
    )


SORT_MEMORY = "1GB"
"""DuckDB's memory for sorting ``period_values`` (an ingest may run inside the app's server process)."""


def write_period_values(observations: str | Path, out: str | Path) -> None:
    """Write ``period_values`` from an observations Parquet file: (period_end, area_key, measure_key, value)
    for every row with a value, ordered by period end first. Benchmarks read every area's value at one
    period; this order lets them read only that period's row groups instead of the whole history."""
    con = duckdb.connect()
    try:
        with tempfile.TemporaryDirectory(prefix=".sort.", dir=Path(out).parent) as spill:
            con.execute(f"SET temp_directory = '{_sql_path(spill)}'")
            con.execute(f"SET memory_limit = '{SORT_MEMORY}'")  # larger sorts spill to the temp folder
            con.execute(
                "COPY (SELECT period_end, area_key, measure_key, value "
                f"FROM read_parquet('{_sql_path(observations)}') WHERE value IS NOT NULL "
                "ORDER BY period_end, area_key, measure_key) "
                f"TO '{_sql_path(out)}' (FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP_ROWS}, USE_TMP_FILE false)"
            )  # ``out`` is already a staged temp file: DuckDB's own 'tmp_' copy would outlive a kill unswept
    finally:
        con.close()


def _sql_path(path: str | Path) -> str:
    return Path(path).as_posix().replace("'", "''")


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


def write_tables(
    data_dir: Path,
    tables: dict[str, pd.DataFrame],
    files: dict[str, bytes] | None = None,
    schemas: dict[str, pa.Schema] | None = None,
) -> None:
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
        tables = _with_keys(data_dir, tables)
        # observations last: a reader that sees the new observations sees every other new table too
        ordered = sorted(tables.items(), key=lambda item: item[0] == "observations")
        for name, frame in ordered:
            schema = (schemas or {}).get(name)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if schema is not None:
                table = table.select(schema.names).cast(schema)
            staged.append(
                (
                    _stage(
                        table_path(data_dir, name),
                        lambda temp, table=table: pq.write_table(table, temp, row_group_size=ROW_GROUP_ROWS),
                    ),
                    table_path(data_dir, name),
                )
            )
        if "observations" in tables:  # derived from the staged file; moved into place just before it
            observations_temp = staged[-1][0]
            staged.insert(
                -1,
                (
                    _stage(
                        table_path(data_dir, "period_values"), lambda temp: write_period_values(observations_temp, temp)
                    ),
                    table_path(data_dir, "period_values"),
                ),
            )
        _step("staged")
        journal = {
            "moves": [[os.path.relpath(temp, data_dir), os.path.relpath(final, data_dir)] for temp, final in staged]
        }
        temp_journal = _stage(data_dir / JOURNAL, lambda temp: Path(temp).write_text(json.dumps(journal)))
        os.replace(temp_journal, data_dir / JOURNAL)  # the commit point
        _fsync(data_dir)
    except BaseException:
        for temp, _ in staged:
            if os.path.exists(temp):
                os.unlink(temp)
        raise
    _roll_forward(data_dir, journal)


def _with_keys(data_dir: Path, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Areas with ``area_key`` and observations with :data:`KEYS` (against the areas being written, or
    else the stored ones). Areas are written with the observations they key: the build writes both, an
    ingest only observations, and the synthetic generator keys its own observations by the same areas."""
    tables = dict(tables)
    if "areas" in tables:
        tables["areas"] = keyed_areas(tables["areas"])
    if "observations" in tables:
        areas = tables["areas"] if "areas" in tables else pd.read_parquet(table_path(data_dir, "areas"))
        tables["observations"] = keyed_observations(tables["observations"], areas)
    return tables


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
        for folder in (data_dir, data_dir / "accepted", data_dir / "conversation"):
            if folder.is_dir():
                for stray in folder.glob(".*.tmp"):
                    with contextlib.suppress(FileNotFoundError):
                        stray.unlink()
                        repaired = True
        for spill in data_dir.glob(".sort.*"):  # DuckDB's sort spill of a killed write_period_values
            shutil.rmtree(spill, ignore_errors=True)
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
    entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), **entry}
    with (Path(data_dir) / "load_log.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")
