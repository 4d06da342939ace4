"""The audit log: who did what, when — ``data/audit_log.jsonl``, one JSON object a line, append-only.

``record(who, action, detail)`` is called on every publish / release (and is the hook for uploads and
target changes). Lines are appended under an exclusive lock and flushed to disk; nothing is rewritten.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from scorecard.store import storage

FILE = "audit_log.jsonl"


def log_path(data_dir: str | Path | None = None) -> Path:
    return Path(data_dir or storage.default_data_dir()) / FILE


def record(who: str | None, action: str, detail: dict | str | None = None, data_dir: str | Path | None = None) -> dict:
    """Append one entry (``at`` in UTC ISO 8601) and return it."""
    entry = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "who": str(who or "unknown"),
        "action": str(action),
        "detail": detail if isinstance(detail, dict) else ({} if detail is None else {"note": str(detail)}),
    }
    path = log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str) + "\n"
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return entry


def entries(data_dir: str | Path | None = None) -> list[dict]:
    """Every entry, oldest first (unreadable lines are skipped, not fatal)."""
    path = log_path(data_dir)
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out
