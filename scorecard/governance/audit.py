"""The audit log: who did what, when — ``data/audit_log.jsonl``, one hash-chained JSON line per entry.

Builds (``build-data``), ingests (the command line and the upload page alike) and publications append their
entry in the same journalled commit as the data they describe (``storage.write_tables(log=...)``), so the
log never claims a change that did not happen, nor misses one that did. Each line carries the hash of the
one before, and the last commit records the last line's hash (:mod:`scorecard.store.chain`): an edited,
removed or inserted line fails :func:`entries` with :class:`IntegrityError` naming the line.
"""

from __future__ import annotations

from pathlib import Path

from scorecard.store import chain, storage

PUBLISH = "publish"
RELEASE = "release_to_members"


IntegrityError = storage.IntegrityError
"""Stored records contradict each other (defined with the storage, whose recovery checks its journal too)."""


def log_path(data_dir: str | Path | None = None) -> Path:
    return Path(data_dir or storage.default_data_dir()) / storage.LOG


def verified(data: bytes, head: str | None) -> list[dict]:
    """The entries of a log's bytes after checking its chain against the recorded head."""
    try:
        return chain.verify(data, head, storage.LOG)
    except chain.ChainError as err:
        raise IntegrityError(f"the audit log fails its integrity check: {err}") from None


def entries(data_dir: str | Path | None = None) -> list[dict]:
    """Every entry, oldest first (``at``, ``who``, ``action``, ``detail``), after the chain is verified."""
    return verified(*storage.read_log(data_dir or storage.default_data_dir()))


def publications(log: list[dict]) -> dict[str, dict]:
    """period → the last publish or release entry for it: what the snapshot index must agree with."""
    return {e["detail"]["period"]: e for e in log if e.get("action") in (PUBLISH, RELEASE)}
