"""DuckDB over the Parquet tables in ``data/``: one connection per process, a cursor per query."""
from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from scorecard import storage

_lock = threading.Lock()
_connections: dict[Path, duckdb.DuckDBPyConnection] = {}


def connect(data_dir: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on the process-wide connection for ``data_dir``, with a view per table."""
    folder = Path(data_dir or storage.default_data_dir()).resolve()
    storage.recover(folder)  # finish a commit a crash interrupted, so no mix of old and new tables is read
    if not storage.is_built(folder):
        raise FileNotFoundError(f"no scorecard data in {folder}: run `python -m scorecard build-data`")
    with _lock:
        con = _connections.get(folder)
        if con is None:
            con = duckdb.connect()
            for name in storage.TABLES:
                path = storage.table_path(folder, name).as_posix().replace("'", "''")
                con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
            _lock_down(con, folder)
            _connections[folder] = con
    return con.cursor()


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
        for con in _connections.values():
            con.close()
        _connections.clear()
