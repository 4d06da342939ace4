"""The audit log's file format: JSON lines in a hash chain, so an edited, removed or inserted line is evident.

Every line is one JSON object (keys sorted) whose ``prev`` is the sha256 of the previous line's bytes (the
first line's ``prev`` is :data:`GENESIS`). Changing any line breaks the ``prev`` of the line after it; the
hash of the last line — the *head* — is also recorded in ``version.json`` by the same journalled commit
(:mod:`scorecard.store.storage`), so removing or changing the last line is evident too. This is tamper
*evidence* against edits to the files, not a signature: someone who rewrites the whole chain and the
version file consistently is not detected (keep backups of ``data/``).
"""

from __future__ import annotations

import hashlib
import json

GENESIS = "0" * 64
"""``prev`` of the first line, and the head of an empty log."""


class ChainError(ValueError):
    """The log is not an unbroken chain ending at the recorded head."""


def _hash(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def line(entry: dict, prev: str) -> bytes:
    """One log line (without its newline) for ``entry`` chained to ``prev``."""
    return json.dumps({**entry, "prev": prev}, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")


def head(data: bytes) -> str:
    """The hash of the last line (:data:`GENESIS` for an empty log)."""
    lines = data.splitlines()
    return _hash(lines[-1]) if lines else GENESIS


def append(data: bytes, entries: list[dict]) -> tuple[bytes, str]:
    """The log with ``entries`` appended, and its new head."""
    prev = head(data)
    out = bytearray(data)
    for entry in entries:
        text = line(entry, prev)
        out += text + b"\n"
        prev = _hash(text)
    return bytes(out), prev


def verify(data: bytes, expected_head: str | None = None, name: str = "audit_log.jsonl") -> list[dict]:
    """Every entry, oldest first, after checking the chain (and the head, when one is recorded);
    :class:`ChainError` names the first line that fails."""
    entries, prev = [], GENESIS
    for number, raw in enumerate(data.splitlines(), start=1):
        try:
            entry = json.loads(raw)
        except ValueError:
            raise ChainError(f"{name}, line {number}: not a JSON entry (the line was altered)") from None
        if not isinstance(entry, dict) or entry.get("prev") != prev:
            raise ChainError(
                f"{name}, line {number}: does not follow line {number - 1} (a line before it was changed, "
                "removed or inserted)"
                if number > 1
                else f"{name}, line 1: not the start of the log (lines were removed from the start)"
            )
        entries.append(entry)
        prev = _hash(raw)
    if expected_head is not None and prev != expected_head:
        raise ChainError(
            f"{name}: ends at line {len(entries)}, which is not the last entry recorded by the last commit "
            "(lines were removed from the end, or the last line was changed)"
        )
    return entries
