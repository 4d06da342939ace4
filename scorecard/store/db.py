"""DuckDB over the Parquet tables in ``data/``: one connection per process, a cursor per query."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb
import pyarrow.parquet as pq

from scorecard.store import storage

T = TypeVar("T")
_lock = threading.Lock()
_connections: dict[Path, tuple[tuple, duckdb.DuckDBPyConnection]] = {}


def signature(folder: Path) -> tuple:
    """Identity of the folder's data: the data version (every commit) and the table files (so a file
    replaced outside a commit is seen too)."""
    return (storage.version(folder),) + tuple(
        (s.st_ino, s.st_mtime_ns, s.st_size)
        for s in (storage.table_path(folder, name).stat() for name in storage.TABLES)
    )


def kept(
    store: dict, key: tuple, data_dir: str | Path | None, reg: object, build: Callable[[Path], T], limit: int
) -> T:
    """``build(folder)``, kept in ``store`` per ``key``, data folder, the identity of its data (:func:`signature`,
    as the folder's connection is) and the register object (held beside the result, so a recycled ``id`` is
    never mistaken for it); ``store`` is emptied when it reaches ``limit`` entries."""
    folder = Path(data_dir or storage.default_data_dir()).resolve()
    full = (*key, str(folder), signature(folder), id(reg))
    hit = store.get(full)
    if hit is None or hit[0] is not reg:
        if len(store) >= limit:
            store.clear()
        store[full] = hit = (reg, build(folder))
    return hit[1]


def connect(data_dir: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on the process-wide connection for ``data_dir``, with a view per table. A new connection
    is made when the table files have been replaced (e.g. by another process), so cached Parquet
    metadata never outlives its file."""
    folder = Path(data_dir or storage.default_data_dir()).resolve()
    storage.recover(folder)  # finish a commit a crash interrupted, so no mix of old and new tables is read
    if not storage.is_built(folder):
        raise FileNotFoundError(f"no scorecard data in {folder}: run `python -m scorecard build-data`")
    signed_now = signature(folder)
    with _lock:
        signed, con = _connections.get(folder, (None, None))
        if con is None or signed != signed_now:
            con = duckdb.connect()
            con.execute("SET parquet_metadata_cache = true")  # footers parsed once per file, not per query
            # Statistics propagation costs more in planning the long evaluation query than it saves: one
            # council's scorecard 136 ms instead of 150 ms (median of 20, same process), full evaluation no
            # different. Optimisers never change results, only how a plan is found.
            con.execute("SET disabled_optimizers = 'statistics_propagation'")
            for name in storage.TABLES:
                path = storage.table_path(folder, name)
                added = _added_since(name, path)
                source = path.as_posix().replace("'", "''")
                con.execute(f"CREATE VIEW {name} AS SELECT *{added} FROM read_parquet('{source}')")
            _lock_down(con, folder)
            _connections[folder] = (signed_now, con)
    return con.cursor()


ADDED_COLUMNS = {"period_values": {"denominator": "DOUBLE"}}
"""Columns a table gained after folders were built: a folder written before reads them as NULL until its next
build or load rewrites the table (``period_values.denominator``: no count is compared as a rate till then)."""


def _added_since(name: str, path: Path) -> str:
    """The select list's NULL columns for what ``name``'s file lacks of :data:`ADDED_COLUMNS`."""
    held = set(pq.read_schema(path).names) if name in ADDED_COLUMNS else set()
    return "".join(
        f", CAST(NULL AS {kind}) AS {column}"
        for column, kind in ADDED_COLUMNS.get(name, {}).items()
        if column not in held
    )


def _lock_down(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Confine the connection to the data folder: no other file, no network, no extension installs, and
    no way to change that back (``lock_configuration``). The views' ``read_parquet`` of the folder's own
    tables keeps working; ``read_csv('/etc/passwd')``, ``COPY … TO``, ``ATTACH`` and ``INSTALL`` fail."""
    allowed = (folder.as_posix().rstrip("/") + "/").replace("'", "''")
    con.execute(f"SET allowed_directories = ['{allowed}']")
    con.execute("SET enable_external_access = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET lock_configuration = true")


def reset() -> None:
    """Forget cached connections (after the data folder has been rebuilt)."""
    with _lock:
        for _, con in _connections.values():
            con.close()
        _connections.clear()


def scalar(cursor: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None):
    """The first column of a query's first row (None when it returns no row)."""
    row = cursor.execute(sql, params or []).fetchone()
    return row[0] if row else None
