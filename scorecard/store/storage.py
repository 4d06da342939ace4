"""Where the built tables live and how they are written: Parquet files in ``data/``, replaced atomically.

Every write is a *journalled commit* (:func:`write_tables`): each new file is first written in full to a
temporary file beside its final path; then one small journal ``data/.commit.json`` listing the moves is
written (temp file + ``os.replace``, so it appears whole or not at all) — that is the commit point; then
each temporary file is moved into place with ``os.replace`` (observations, then ``version.json`` last);
then the journal is removed. A crash before the journal exists leaves the old files untouched (stray
temporary files are swept by :func:`recover`); a crash after it is rolled forward by :func:`recover`, which
every writer calls first and which readers call before opening the tables.

* **Data version.** Every commit writes ``version.json`` with a new commit id (and its parent's), so caches
  keyed on :func:`version` see any build, ingest or publish at once, and :func:`consistent` lets a reader
  know it read one version (it retries a read a commit overlapped).
* **One lock.** Writers serialise on :func:`locked` (re-entrant in a thread) for the whole read-check-write.
* **One audit log.** ``audit_log.jsonl`` is a hash chain (:mod:`scorecard.store.chain`); entries are
  appended by the same commit as the data they describe, and ``version.json`` records the chain's head.
* **One integrity model.** Every file a commit writes in a :data:`KEPT` folder (what people wrote, what was
  loaded and what was published) has its sha256 recorded in ``version.json`` by that commit. :func:`check`
  verifies the record, the log's chain and every kept file; every writer runs it first and refuses to go
  on, and readers of kept files use :func:`read_kept`. A missing or unreadable ``version.json`` in a folder
  holding records is itself a failure. After an investigation, :func:`reseal` (audited) accepts what is there.
* **Clear failures.** An operating-system refusal (disk full, read-only folder, no permission) is one
  :class:`WriteError` naming the folder and the reason; before the commit point nothing has changed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scorecard.store import chain

PROJECT_DIR = Path(__file__).resolve().parents[2]
TABLES = ("areas", "comparator_groups", "observations", "targets", "batches", "period_values")
"""Tables every built data folder has (``db.connect`` makes a view of each). ``period_values`` is derived:
:func:`write_tables` writes it from the observations in the same commit (see :func:`write_period_values`)."""
HISTORY = "observation_history"
"""Superseded observation rows (with ``superseded_by`` batch and ``superseded_at``): written by build and
ingest beside the tables; not required by :func:`is_built`, so folders built before it existed still open."""
JOURNAL = ".commit.json"
VERSION = "version.json"
"""The data version: ``{"commit", "parent", "at", "log_head", "log_lines", "files"}``, replaced by every
commit; ``files`` maps each kept file (path relative to the folder) to its sha256."""
KEPT = ("accepted", "conversation", "snapshots")
"""Folders whose files are records — accepted returns, the conversation ledger, published snapshots — each
hashed into ``version.json`` by the commit that wrote it (the tables outside them are rebuilt by
``build-data`` from the public extracts and these records)."""
LOG = "audit_log.jsonl"
"""The one audit log (builds, ingests, uploads, publications), a hash chain appended by commits."""
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
    """Write ``period_values`` from an observations Parquet file: (period_end, area_key, measure_key, value,
    denominator — for a count compared as a rate) for every row with a value, ordered by period end first.
    Benchmarks read every area's value at one period; this order lets them read only that period's row groups
    instead of the whole history."""
    con = duckdb.connect()
    try:
        with tempfile.TemporaryDirectory(prefix=".sort.", dir=Path(out).parent) as spill:
            con.execute(f"SET temp_directory = '{_sql_path(spill)}'")
            con.execute(f"SET memory_limit = '{SORT_MEMORY}'")  # larger sorts spill to the temp folder
            con.execute(
                "COPY (SELECT period_end, area_key, measure_key, value, denominator "
                f"FROM read_parquet('{_sql_path(observations)}') WHERE value IS NOT NULL "
                "ORDER BY period_end, area_key, measure_key) "
                f"TO '{_sql_path(out)}' (FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP_ROWS}, USE_TMP_FILE false)"
            )  # ``out`` is already a staged temp file: DuckDB's own 'tmp_' copy would outlive a kill unswept
    finally:
        con.close()


def _sql_path(path: str | Path) -> str:
    return Path(path).as_posix().replace("'", "''")


def now() -> str:
    """The time now in UTC, ISO 8601 to the second: the ``at`` of every record."""
    return datetime.now(UTC).isoformat(timespec="seconds")


# ---- hashing ---------------------------------------------------------------------------------------------


def sha256(data: bytes | str | Path) -> str:
    """Hex sha256 of bytes, or of a file's bytes (read in blocks) — the one hash of files and snapshots."""
    digest = hashlib.sha256()
    if isinstance(data, bytes):
        digest.update(data)
    else:
        with Path(data).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


# ---- failures --------------------------------------------------------------------------------------------


class IntegrityError(RuntimeError):
    """Stored records contradict each other — tampering or damage. The message says what failed (for staff);
    the public is told only that the figures are temporarily unavailable."""


class WriteError(RuntimeError):
    """The operating system refused a write (disk full, read-only folder, no permission...)."""


REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the folder is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EFBIG: "the file is too large for the file system",
    errno.EIO: "the disk reported an input/output error",
}


def reason(err: OSError) -> str:
    """A plain-English reason for an operating-system error."""
    return REASONS.get(err.errno or 0, err.strerror or type(err).__name__)


@contextlib.contextmanager
def os_errors(where: str | Path, committed: Callable[[], bool] = lambda: False):
    """Turn an :class:`OSError` into one :class:`WriteError` naming ``where`` and the reason; says whether
    anything changed (``committed()`` is True once the journal exists: the change then completes later)."""
    try:
        yield
    except WriteError:
        raise
    except OSError as err:
        outcome = (
            "The change was committed and will be completed when the folder is writable again."
            if committed()
            else "Nothing was changed."
        )
        raise WriteError(f"could not write to {where}: {reason(err)}. {outcome}") from err


def atomic_write(path: str | Path, payload: bytes) -> None:
    """Write one file whole or not at all (temp file beside it, fsync, ``os.replace``): the export and
    template outputs. :class:`WriteError` on an operating-system refusal; an old file is left as it was."""
    path = Path(path)
    with os_errors(path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)  # the user's own output folder
        temp = _stage(path, lambda name: Path(name).write_bytes(payload))
        try:
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise


# ---- the writer lock -------------------------------------------------------------------------------------

_held = threading.local()


@contextlib.contextmanager
def locked(data_dir: Path | str):
    """Hold the data folder's writer lock (one build, ingest or publish at a time): ``flock`` on the folder
    itself, so no lock file is left in it. Re-entrant within a thread (a publish's commit inside its lock)."""
    folder = Path(data_dir).resolve()
    held: dict[Path, int] = _held.__dict__.setdefault("depth", {})
    if held.get(folder):
        held[folder] += 1
        try:
            yield
        finally:
            held[folder] -= 1
        return
    with os_errors(folder):
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        held[folder] = 1
        yield
    finally:
        held.pop(folder, None)
        os.close(fd)


# ---- reading a version -----------------------------------------------------------------------------------


def version_record(data_dir: Path | str) -> dict:
    """The current ``version.json``, as a cache key (empty when there is none): :func:`recorded` is the
    strict reader that every check uses."""
    try:
        return json.loads((Path(data_dir) / VERSION).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError:  # cannot happen (written by replace); an unreadable file is a version of its own
        return {"commit": "unreadable"}


def version(data_dir: Path | str) -> str:
    """The current data version (commit id): changes with every build, ingest, publish or audit entry."""
    return str(version_record(data_dir).get("commit", "unversioned"))


def _stamp(data_dir: Path) -> tuple:
    """What changes whenever a commit completes or is under way (cheap: two ``stat`` calls)."""
    try:
        stat = (data_dir / VERSION).stat()
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        seen = None
    return seen, (data_dir / JOURNAL).exists()


T = TypeVar("T")
READ_ATTEMPTS = 50


def consistent(data_dir: Path | str, read: Callable[[], T]) -> T:
    """``read()`` run so that everything it reads belongs to one data version: when a commit completed or
    was under way while it ran, it is run again (a reader never blocks writers, nor reads a mix of two
    versions). An error raised while a commit overlapped is retried too; any other error is raised."""
    folder = Path(data_dir)
    for _ in range(READ_ATTEMPTS):
        recover(folder)
        before = _stamp(folder)
        if before[1]:  # a writer is moving files into place: let it finish
            time.sleep(0.02)
            continue
        try:
            result = read()
        except Exception:
            if _stamp(folder) == before:
                raise
            continue
        if _stamp(folder) == before:
            return result
    raise RuntimeError(f"the data in {folder} kept changing while it was read; try again")


def read_log(data_dir: Path | str) -> tuple[bytes, str]:
    """The audit log's bytes and the head the last commit recorded, read as one version
    (:class:`IntegrityError` when the record is missing or unreadable: see :func:`recorded`)."""
    folder = Path(data_dir)

    def both() -> tuple[bytes, str]:
        path = folder / LOG
        data = path.read_bytes() if path.is_file() else b""
        return data, recorded(folder).get("log_head", chain.GENESIS)

    return consistent(folder, both)


# ---- integrity -------------------------------------------------------------------------------------------


def kept_files(data_dir: Path | str) -> list[str]:
    """Every file in the :data:`KEPT` folders (relative paths), without a commit's temporary files."""
    root = Path(data_dir)
    return sorted(
        path.relative_to(root).as_posix()
        for folder in KEPT
        if (root / folder).is_dir()
        for path in (root / folder).rglob("*")
        if path.is_file() and not path.name.startswith(".")
    )


def _failed(what: str) -> IntegrityError:
    return IntegrityError(f"integrity check failed: {what}")


def recorded(data_dir: Path | str) -> dict:
    """``version.json``, strictly: :class:`IntegrityError` when it is unreadable, or missing from a folder that
    holds an audit log or kept files (deleting it must not switch the checks off). Empty for a new folder."""
    folder = Path(data_dir)
    try:
        record = json.loads((folder / VERSION).read_text(encoding="utf-8"))
    except FileNotFoundError:
        held = ([LOG] if (folder / LOG).exists() else []) + kept_files(folder)
        if held:
            raise _failed(
                f"{VERSION} is missing, but the folder holds {held[0]}: the record of the last commit was removed"
            ) from None
        return {}
    except (ValueError, UnicodeDecodeError):
        raise _failed(f"{VERSION} is unreadable (not the JSON record a commit writes)") from None
    if not isinstance(record, dict) or not isinstance(record.get("files", {}), dict):
        raise _failed(f"{VERSION} is not a commit record")
    return record


def _file_problem(name: str, expected: str | None, payload: bytes | None) -> str | None:
    """What is wrong with one kept file against the hash its commit recorded (None: nothing)."""
    if payload is None:
        return None if expected is None else f"{name} was deleted"
    if expected is None:
        return f"{name} was not written by the scorecard (added from outside)"
    return None if sha256(payload) == expected else f"{name} was changed after it was written (sha256 differs)"


def _file_problems(folder: Path, record: dict) -> list[str]:
    held = set(kept_files(folder))
    if "files" not in record and held:
        return [f"{VERSION} was written before kept files were hashed: check them, then re-seal once"]
    hashes = record.get("files", {})
    found = (
        _file_problem(name, hashes.get(name), (folder / name).read_bytes() if name in held else None)
        for name in sorted(held | set(hashes))
    )
    return [problem for problem in found if problem]


def check(data_dir: Path | str) -> tuple[dict, bytes]:
    """The commit record and the audit log's bytes, after checking both and every kept file against the
    record: :class:`IntegrityError` saying which file and what, for the first failures. Every writer runs it
    (under :func:`locked`) before it writes anything."""
    folder = Path(data_dir)
    record = recorded(folder)
    log = (folder / LOG).read_bytes() if (folder / LOG).is_file() else b""
    try:
        chain.verify(log, record.get("log_head", chain.GENESIS), LOG)
    except chain.ChainError as err:
        raise _failed(f"the audit log fails its integrity check: {err}") from None
    problems = _file_problems(folder, record)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise _failed("; ".join(problems[:3]) + more)
    return record, log


def read_kept(data_dir: Path | str, name: str) -> bytes | None:
    """The bytes of one kept file (``name`` relative to the folder, e.g. ``conversation/risks.parquet``),
    checked against the hash its commit recorded; None when no commit wrote it. :class:`IntegrityError`
    when it was changed, deleted or added from outside."""
    folder = Path(data_dir)

    def read() -> tuple[dict, bytes | None]:
        path = folder / name
        return recorded(folder), (path.read_bytes() if path.is_file() else None)

    record, payload = consistent(folder, read)
    problem = _file_problem(name, record.get("files", {}).get(name), payload)
    if problem:
        raise _failed(problem)
    return payload


RESEAL = "reseal"


def reseal(data_dir: Path | str, who: str, reason: str) -> list[str]:
    """Accept the folder as it is after an investigation: record the kept files' hashes and the log's head
    as they now are, with an audit entry (who, why, what differed). The log's chain must be unbroken (a line
    edited inside it cannot be re-sealed: restore from a backup). Returns what differed."""
    folder = Path(data_dir)
    if not reason.strip():
        raise ValueError("say why the folder is re-sealed (what was investigated)")
    with locked(folder):
        recover(folder, sweep=True)
        try:
            record = recorded(folder)
        except IntegrityError as err:
            record, differed = {}, [str(err).removeprefix("integrity check failed: ")]
        else:
            differed = []
        log = (folder / LOG).read_bytes() if (folder / LOG).is_file() else b""
        try:
            kept = chain.verify(log, None, LOG)
        except chain.ChainError as err:
            raise _failed(f"the audit log's chain is broken, which a re-seal cannot mend: {err}") from None
        if record.get("log_head", chain.GENESIS) != chain.head(log):
            differed.append(f"{LOG} ends at line {len(kept)}, not line {record.get('log_lines', 0)} as recorded")
        differed += _file_problems(folder, record)
        hashes = {name: sha256(folder / name) for name in kept_files(folder)}
        detail = {"reason": reason.strip(), "differed": differed}
        _commit(
            folder, {}, log=[{"who": who, "action": RESEAL, "detail": detail}], hashes=hashes, trusted=(record, log)
        )
    return differed


# ---- committing ------------------------------------------------------------------------------------------


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


def _stage(final: Path, write: Callable[[str], object], mode: int = 0o644) -> str:
    handle, temp = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=f"{final.suffix}.tmp", dir=final.parent)
    os.close(handle)
    try:
        write(temp)
        os.chmod(temp, mode)
        _fsync(temp)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):  # a writer may remove its own partial file (pyarrow does)
            os.unlink(temp)
        raise
    return temp


def _put_bytes(payload: bytes, temp: str) -> None:
    Path(temp).write_bytes(payload)


def _put_table(table: pa.Table, temp: str) -> None:
    pq.write_table(table, temp, row_group_size=ROW_GROUP_ROWS)


def _appended_log(old: bytes, entries: list[dict], at: str) -> tuple[bytes | None, str, int]:
    """The (checked) log ``old`` with ``entries`` appended (None when there are none), its head and line count."""
    lines = len(old.splitlines())
    if not entries:
        return None, chain.head(old), lines
    new, head = chain.append(old, [{"at": at, **entry} for entry in entries])
    return new, head, lines + len(entries)


def write_tables(
    data_dir: Path | str,
    tables: dict[str, pd.DataFrame],
    files: dict[str, bytes] | None = None,
    schemas: dict[str, pa.Schema] | None = None,
    log: list[dict] | None = None,
    frozen: Iterable[str] = (),
) -> str:
    """Commit tables, other files (by path relative to ``data_dir``) and audit-log entries all together:
    journalled, so a reader or a crash never leaves a mix of old and new once :func:`recover` has run
    (module docstring). Returns the new data version.

    ``schemas`` casts a table to a given Arrow schema (an ingest keeps the schema the build wrote, so a
    DuckDB view made over the old file still binds). ``log`` entries (``who``, ``action``, ``detail``) are
    appended to the audit log with the commit's time. Paths in ``frozen`` are written once, read-only: an
    existing file with the same bytes is kept, one with other bytes is refused (:class:`ValueError`).

    Nothing is written over a folder that fails :func:`check` (:class:`IntegrityError`)."""
    return _commit(Path(data_dir), tables, files, schemas, log, frozen)


def _commit(
    data_dir: Path,
    tables: dict[str, pd.DataFrame],
    files: dict[str, bytes] | None = None,
    schemas: dict[str, pa.Schema] | None = None,
    log: list[dict] | None = None,
    frozen: Iterable[str] = (),
    hashes: dict[str, str] | None = None,
    trusted: tuple[dict, bytes] | None = None,
) -> str:
    """:func:`write_tables`; :func:`reseal` passes the record and log it accepts (``trusted``, not checked)
    and the kept files' ``hashes`` as they now are."""
    journal: dict = {}
    with os_errors(data_dir, committed=lambda: bool(journal)), locked(data_dir):
        recover(data_dir, sweep=True)
        old_record, old_log = trusted or check(data_dir)
        kept = dict(hashes if hashes is not None else old_record.get("files", {}))
        staged: list[tuple[str, Path]] = []
        created = [
            folder
            for folder in sorted(
                ({(data_dir / rel).parent for rel in (files or {})} | {table_path(data_dir, n).parent for n in tables})
                - {data_dir}
            )
            if not folder.exists()
        ]
        try:
            for folder in created:
                folder.mkdir(parents=True)
            write_once = set(frozen)
            for rel, payload in (files or {}).items():
                final = data_dir / rel
                if rel in write_once and final.exists():
                    if sha256(final) != sha256(payload):
                        raise ValueError(f"{final} exists with other content: refusing to replace a frozen file")
                    continue
                staged.append(
                    (
                        _stage(final, functools.partial(_put_bytes, payload), 0o444 if rel in write_once else 0o644),
                        final,
                    )
                )
            tables = _with_keys(data_dir, tables)
            # observations last: a reader that sees the new observations sees every other new table too
            for name, frame in sorted(tables.items(), key=lambda item: item[0] == "observations"):
                schema = (schemas or {}).get(name)
                table = pa.Table.from_pandas(frame, preserve_index=False)
                if schema is not None:
                    table = table.select(schema.names).cast(schema)
                final = table_path(data_dir, name)
                staged.append((_stage(final, functools.partial(_put_table, table)), final))
            if "observations" in tables:  # derived from the staged file; moved into place just before it
                observations_temp = staged[-1][0]
                staged.insert(
                    -1,
                    (
                        _stage(
                            table_path(data_dir, "period_values"),
                            lambda temp: write_period_values(observations_temp, temp),
                        ),
                        table_path(data_dir, "period_values"),
                    ),
                )
            for temp, final in staged:
                name = final.relative_to(data_dir).as_posix()
                if name.split("/", 1)[0] in KEPT:
                    kept[name] = sha256(temp)
            at = now()
            new_log, head, lines = _appended_log(old_log, list(log or []), at)
            if new_log is not None:
                staged.append((_stage(data_dir / LOG, lambda temp: Path(temp).write_bytes(new_log)), data_dir / LOG))
            commit = uuid.uuid4().hex
            record = {
                "commit": commit,
                "parent": old_record.get("commit", "unversioned"),
                "at": at,
                "log_head": head,
                "log_lines": lines,
                "files": dict(sorted(kept.items())),
            }
            staged.append(  # last: whoever sees the new version sees every other new file
                (
                    _stage(data_dir / VERSION, lambda temp: Path(temp).write_text(json.dumps(record, indent=1))),
                    data_dir / VERSION,
                )
            )
            _step("staged")
            moves = [[os.path.relpath(temp, data_dir), os.path.relpath(final, data_dir)] for temp, final in staged]
            temp_journal = _stage(data_dir / JOURNAL, lambda temp: Path(temp).write_text(json.dumps({"moves": moves})))
            os.replace(temp_journal, data_dir / JOURNAL)  # the commit point
            journal["moves"] = moves
            _fsync(data_dir)
        except BaseException:
            if not journal:  # before the commit point: leave the folder as it was
                for temp, _ in staged:
                    if os.path.exists(temp):
                        os.unlink(temp)
                for folder in reversed(created):
                    with contextlib.suppress(OSError):
                        folder.rmdir()
            raise
        _roll_forward(data_dir, journal)
    return commit


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


def _inside(data_dir: Path, name: str) -> Path:
    """``data_dir / name`` when it resolves inside the data folder; :class:`IntegrityError` otherwise (a
    journal naming ``../..`` paths is tampering: recovery never moves a file into or out of the folder)."""
    root = data_dir.resolve()
    path = (data_dir / name).resolve()
    if path == root or root not in path.parents:
        raise _failed(f"{JOURNAL} names a path outside the data folder: {name!r}")
    return path


def _roll_forward(data_dir: Path, journal: dict) -> None:
    moves = [(_inside(data_dir, temp), _inside(data_dir, final)) for temp, final in journal["moves"]]  # all first
    for number, (temp, final) in enumerate(moves):
        _step(str(number))
        with contextlib.suppress(FileNotFoundError):  # already moved (by us before a crash, or a reader)
            os.replace(temp, final)
    _step(str(len(journal["moves"])))
    _fsync(data_dir)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(data_dir / JOURNAL)


def recover(data_dir: Path | str, sweep: bool = False) -> bool:
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
        folders = [data_dir, *(p for p in data_dir.iterdir() if p.is_dir())] if data_dir.is_dir() else []
        for folder in folders:
            for stray in folder.glob(".*.tmp"):
                with contextlib.suppress(FileNotFoundError):
                    stray.unlink()
                    repaired = True
        for spill in data_dir.glob(".sort.*"):  # DuckDB's sort spill of a killed write_period_values
            shutil.rmtree(spill, ignore_errors=True)
            repaired = True
    return repaired
