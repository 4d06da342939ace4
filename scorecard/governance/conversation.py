"""The performance conversation each person may see, and every write to it from the app.

Staff (officers, admins) see the current text; where the quarter has been released or published, text
edited since is marked "updated since publication", with the published text beside it. The public and
members see only the text frozen with a quarter they may see (:mod:`scorecard.governance.publish`), never a
draft, marked where the service has updated it since.

A write is checked by the same rules as a return (:mod:`scorecard.ingest.conversation`), added as a new
version under the data lock — never overwriting — and recorded in the audit log with the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from scorecard import register
from scorecard.governance import access, publish
from scorecard.ingest import conversation as checks
from scorecard.present import conversation
from scorecard.store import ledger, storage


class ConversationError(ValueError):
    """What an officer wrote breaks a rule; ``problems`` lists (field, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{column}: {message}" for column, message in problems))


@dataclass
class Conversation:
    """A quarter's conversation as one person may see it."""

    commentary: pd.DataFrame
    updates: pd.DataFrame
    published: bool = False
    state: str = access.DRAFT
    targets: pd.DataFrame = field(default_factory=pd.DataFrame)
    finance: pd.DataFrame = field(default_factory=lambda: ledger.empty(ledger.FINANCE))
    risks: pd.DataFrame = field(default_factory=lambda: ledger.empty(ledger.RISKS))
    key_messages: pd.DataFrame = field(default_factory=lambda: ledger.empty(ledger.KEY_MESSAGES))
    """The CPOR's key messages as BI wrote them for the quarter (none: the front sheet's auto-draft)."""

    @property
    def written_messages(self) -> dict | None:
        """The current key messages (with author and when), or None when BI has written none."""
        return self.key_messages.iloc[-1].to_dict() if len(self.key_messages) else None


def _flagged(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(updated_since_publication=False)


def for_role(role: str, period: str | None, data_dir: str | Path | None = None) -> Conversation:
    """The commentary, action updates, financial position and risks of ``period`` that ``role`` may see (see the
    module docstring; staff see the current finance and risks, the public and members those frozen with the
    quarter)."""
    if not period:
        return Conversation(_flagged(ledger.empty(ledger.COMMENTARY)), _flagged(ledger.empty(ledger.ACTION_UPDATES)))
    entry = publish.read_index(data_dir)["periods"].get(period)  # one read (and integrity check) of the index
    state = entry["state"] if entry else access.DRAFT
    frozen = publish.conversation_frame(period, data_dir, entry) if entry else None
    if access.sees_draft(role):
        live_c = conversation.current(ledger.COMMENTARY, period, data_dir)
        live_u = conversation.current(ledger.ACTION_UPDATES, period, data_dir)
        live_f, live_r = conversation.finance(period, data_dir), conversation.risks(period, data_dir)
        live_k = conversation.current(ledger.KEY_MESSAGES, period, data_dir)
        if frozen is None:
            return Conversation(
                _flagged(live_c), _flagged(live_u), False, state, finance=live_f, risks=live_r, key_messages=live_k
            )
        return Conversation(
            conversation.compared(live_c, conversation.part(frozen, "commentary"), "commentary"),
            conversation.compared(live_u, conversation.part(frozen, "action_update"), "action_update"),
            True,
            state,
            conversation.part(frozen, "target"),
            live_f,
            live_r,
            live_k,
        )
    if frozen is None or not access.can_view(role, state):
        return Conversation(_flagged(ledger.empty(ledger.COMMENTARY)), _flagged(ledger.empty(ledger.ACTION_UPDATES)))
    live_c = conversation.current(ledger.COMMENTARY, period, data_dir)
    live_u = conversation.current(ledger.ACTION_UPDATES, period, data_dir)
    return Conversation(
        conversation.published_with_flags(conversation.part(frozen, "commentary"), live_c, "commentary"),
        conversation.published_with_flags(conversation.part(frozen, "action_update"), live_u, "action_update"),
        True,
        state,
        conversation.part(frozen, "target"),
        conversation.part(frozen, "finance"),
        conversation.part(frozen, "risk"),
        conversation.part(frozen, "key_messages"),
    )


def history(name: str, key: str, period: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Every version of one measure's commentary (``ledger.COMMENTARY``) or one action's update
    (``ledger.ACTION_UPDATES``) for the quarter, newest first — staff only."""
    frame = ledger.read(name, data_dir)
    column = ledger.KEYS[name][0]
    return frame[(frame[column] == key) & (frame["period"] == period)].sort_values("version", ascending=False)


def _write(kind: str, values: dict, user: str, data_dir, action: str, detail: dict, extra: dict | None = None) -> dict:
    """Add one version written in the app, with its audit entry (``action``, ``detail`` and the version), in
    one commit under the data lock; returns it (with its version)."""
    data_dir = Path(data_dir or storage.default_data_dir())
    name = checks.LEDGER[kind]
    written_at = datetime.now(UTC).isoformat(timespec="seconds")
    rows = checks.new_rows(kind, pd.DataFrame([{**values, **(extra or {})}]), user, written_at, "", "app")
    with storage.locked(data_dir):
        table = ledger.appended(name, ledger.read(name, data_dir), rows)
        written = table.iloc[-1].to_dict()
        entry = {"who": user, "action": action, "detail": {**detail, "version": int(written["version"])}}
        ledger.write(data_dir, {name: table}, log=[entry])
    return written


def save_commentary(
    ctx: register.Context,
    measure_id: str,
    period: str,
    fields: dict[str, str],
    user: str,
    auto_draft: str = "",
    today: date | None = None,
) -> dict:
    """Save a measure's commentary for a quarter as a new version. ``fields``: narrative, corrective_action,
    action_owner, due_date. A narrative identical to ``auto_draft`` is kept marked auto-drafted."""
    reg = ctx.reg
    values, problems, _ = checks.check_commentary(
        {**fields, "measure_id": measure_id, "period": period}, reg, today or date.today()
    )
    if problems:
        raise ConversationError(problems)
    drafted = bool(auto_draft) and values["narrative"] == auto_draft.strip()
    return _write(
        "commentary",
        values,
        user,
        ctx.folder,
        "commentary",
        {"measure_id": measure_id, "period": period, "auto_drafted": drafted},
        {"auto_drafted": drafted},
    )


def save_action_update(
    ctx: register.Context, action_id: str, period: str, fields: dict[str, object], user: str, today: date | None = None
) -> dict:
    """Save a priority action's update for a quarter (status, percent_complete, narrative) as a new version."""
    reg = ctx.reg
    values, problems, _ = checks.check_action_update(
        {k: str(v) for k, v in fields.items()} | {"action_id": action_id, "period": period}, reg, today or date.today()
    )
    if problems:
        raise ConversationError(problems)
    return _write(
        "actions",
        values,
        user,
        ctx.folder,
        "action_update",
        {"action_id": action_id, "period": period, "status": values["status"]},
    )


def save_key_messages(
    ctx: register.Context, period: str, fields: dict[str, str], user: str, today: date | None = None
) -> dict:
    """Save the CPOR's key messages for a quarter (going_well, going_badly, being_done) as a new version:
    BI's edit of the front sheet's auto-draft, frozen with the quarter when it is published."""
    values, problems, _ = checks.check_key_messages({**fields, "period": period}, ctx.reg, today or date.today())
    if problems:
        raise ConversationError(problems)
    return _write("key_messages", values, user, ctx.folder, "key_messages", {"period": period})
