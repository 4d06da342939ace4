"""Where the built tables live and how they are written: Parquet files in ``data/``, replaced atomically."""
from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

PROJECT_DIR = Path(__file__).resolve().parent.parent
TABLES = ("areas", "comparator_groups", "observations", "targets", "batches")


def default_data_dir() -> Path:
    """``$SCORECARD_DATA`` or the project's ``data/`` folder."""
    return Path(os.environ.get("SCORECARD_DATA") or PROJECT_DIR / "data")


def table_path(data_dir: Path, name: str) -> Path:
    """The Parquet file of a table."""
    return Path(data_dir) / f"{name}.parquet"


def is_built(data_dir: Path) -> bool:
    """True when every table exists."""
    return all(table_path(data_dir, name).is_file() for name in TABLES)


def write_tables(data_dir: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Write every table to a temporary file first, then move each into place (no half-written file is ever read)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    staged = []
    try:
        for name, frame in tables.items():
            handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".parquet", dir=data_dir)
            os.close(handle)
            staged.append((temp, table_path(data_dir, name)))
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), temp)
            os.chmod(temp, 0o644)
        for temp, final in staged:
            os.replace(temp, final)
    finally:
        for temp, _ in staged:
            if os.path.exists(temp):
                os.unlink(temp)


def record_load(data_dir: Path, entry: dict) -> None:
    """Append one line to ``data/load_log.jsonl``: every accepted load is recorded."""
    entry = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **entry}
    with (Path(data_dir) / "load_log.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")
