"""What people write about performance, kept as versions and never overwritten: commentary and corrective
action per measure and quarter, the CPOR's key messages per quarter, annual-action updates, target versions,
the notes of returned figures, the revenue budget monitoring per service line and the risks reported beside
performance, the batches that loaded them, each measure's and priority action's quarterly workflow steps
(submitted, checked, signed off) and the reminders sent for them, and Overview and Scrutiny's recommendations with
the owners' responses; and what each released or published quarter reported (each measure's RAG and figure
period), which the evaluation reads for persistent red.

Each is an append-only table in ``data/conversation/`` (one row per version; the highest ``version`` of a
key is the current text), written with :func:`scorecard.store.storage.write_tables` under the data lock, so
a crash leaves the old or the new table. ``build-data`` never rewrites these tables — what officers wrote
survives a rebuild — and ``make clean`` (which deletes ``data/*.parquet``) keeps them.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pyarrow as pa

from scorecard.store import periods, storage

FOLDER = "conversation"
COMMENTARY = f"{FOLDER}/commentary"
ACTION_UPDATES = f"{FOLDER}/action_updates"
TARGET_VERSIONS = f"{FOLDER}/target_versions"
FIGURE_NOTES = f"{FOLDER}/figure_notes"
FINANCE = f"{FOLDER}/finance"
RISKS = f"{FOLDER}/risks"
KEY_MESSAGES = f"{FOLDER}/key_messages"
BATCHES = f"{FOLDER}/batches"
WORKFLOW = f"{FOLDER}/workflow"
REMINDERS = f"{FOLDER}/reminders"
RECOMMENDATIONS = f"{FOLDER}/recommendations"
REPORTED = f"{FOLDER}/reported"

_TEXT, _FLAG, _NUMBER, _INT = pa.string(), pa.bool_(), pa.float64(), pa.int32()
SCHEMAS = {
    WORKFLOW: pa.schema(
        [
            ("item_kind", _TEXT),  # measure | action (a priority action's quarterly update)
            ("item_id", _TEXT),  # the measure's or priority action's register id
            ("period", _TEXT),  # the reporting quarter
            ("step", _TEXT),  # submit | check | sign_off | step_back | not_signed_off (governance/workflow.py)
            ("state", _TEXT),  # the item's state for the quarter after the step
            ("duty", _TEXT),  # the framework duty the step was taken under: data_owner | bi | assistant_director
            ("who", _TEXT),
            ("at", _TEXT),  # ISO 8601, UTC
            ("reason", _TEXT),  # why a step back was taken ("" otherwise)
            ("version", _INT),
        ]
    ),
    REMINDERS: pa.schema(
        [
            ("item_kind", _TEXT),  # measure | action
            ("item_id", _TEXT),
            ("period", _TEXT),
            ("step", _TEXT),  # the workflow step it chases (governance/workflow.py)
            ("kind", _TEXT),  # reminder | overdue | escalation | escalation_bi (governance/reminders.py)
            ("mailbox", _TEXT),  # the post (or bi) it went to — never the address
            ("sent_at", _TEXT),
            ("version", _INT),
        ]
    ),
    RECOMMENDATIONS: pa.schema(
        [
            ("rec_id", _TEXT),  # SR-1, SR-2, … in the order raised (governance/recommendations.py)
            ("period", _TEXT),  # the CPOR quarter scrutinised
            ("subject_kind", _TEXT),  # measure | action | theme
            ("subject_id", _TEXT),
            ("kind", _TEXT),  # recommendation | question
            ("text", _TEXT),
            ("raised_by", _TEXT),
            ("raised_at", _TEXT),  # ISO 8601, UTC
            ("status", _TEXT),  # open | accepted | rejected | in_progress | done
            ("response", _TEXT),  # the owner's response ("" while open)
            ("responded_by", _TEXT),
            ("responded_duty", _TEXT),  # assistant_director | executive_director
            ("responded_at", _TEXT),
            ("version", _INT),
        ]
    ),
    REPORTED: pa.schema(
        [
            ("period", _TEXT),  # a quarter released to members or published (governance/publish.py)
            ("area_code", _TEXT),  # the council the report was of
            ("measure_id", _TEXT),
            ("rag", _TEXT),  # the RAG its frozen card reported ("awaiting" where a made-up figure was withheld)
            ("period_label", _TEXT),  # the period of the figure reported
            ("state", _TEXT),  # released_to_members | published
            ("version", _INT),
        ]
    ),
    KEY_MESSAGES: pa.schema(
        [
            ("period", _TEXT),  # the reporting quarter of the CPOR
            ("going_well", _TEXT),  # the front sheet's key messages, as BI wrote them
            ("going_badly", _TEXT),
            ("being_done", _TEXT),
            ("author", _TEXT),
            ("written_at", _TEXT),
            ("illustrative", _FLAG),
            ("source", _TEXT),  # app
            ("batch_id", _TEXT),
            ("version", _INT),
        ]
    ),
    COMMENTARY: pa.schema(
        [
            ("measure_id", _TEXT),
            ("period", _TEXT),  # the reporting quarter, e.g. 2025/26 Q2
            ("narrative", _TEXT),  # what happened and why
            ("corrective_action", _TEXT),  # what is being done
            ("action_owner", _TEXT),  # a role, e.g. Service Manager
            ("due_date", _TEXT),  # ISO date or ""
            ("author", _TEXT),
            ("written_at", _TEXT),  # ISO 8601, UTC
            ("auto_drafted", _FLAG),  # the engine's technical commentary, saved without a person's edit
            ("illustrative", _FLAG),
            ("source", _TEXT),  # app | return
            ("batch_id", _TEXT),
            ("version", _INT),
        ]
    ),
    ACTION_UPDATES: pa.schema(
        [
            ("action_id", _TEXT),
            ("period", _TEXT),
            ("status", _TEXT),  # the council's key: RED AMBER GREEN BLUE NEW
            ("percent_complete", _NUMBER),
            ("narrative", _TEXT),
            ("author", _TEXT),
            ("written_at", _TEXT),
            ("illustrative", _FLAG),
            ("source", _TEXT),
            ("batch_id", _TEXT),
            ("version", _INT),
        ]
    ),
    TARGET_VERSIONS: pa.schema(
        [
            ("measure_id", _TEXT),
            ("financial_year", _TEXT),
            ("basis", _TEXT),
            ("value", _NUMBER),
            ("tolerance", _NUMBER),
            ("rationale", _TEXT),
            ("set_by", _TEXT),
            ("approved_by", _TEXT),
            ("approved_on", _TEXT),  # ISO date, "" while proposed
            ("illustrative", _FLAG),
            ("source", _TEXT),  # return | app
            ("batch_id", _TEXT),
            ("written_at", _TEXT),
            ("version", _INT),
        ]
    ),
    FIGURE_NOTES: pa.schema(
        [
            ("measure_id", _TEXT),
            ("area_code", _TEXT),
            ("period_label", _TEXT),
            ("note", _TEXT),
            ("batch_id", _TEXT),
            ("written_at", _TEXT),
            ("version", _INT),
        ]
    ),
    FINANCE: pa.schema(
        [
            ("service_line", _TEXT),  # an id of the register's service_lines
            ("period", _TEXT),  # the quarter the forecast is made at, e.g. 2024/25 Q1 (as at the end of June 2024)
            ("budget", _NUMBER),  # £m, the year's net budget
            ("forecast_outturn", _NUMBER),  # £m, the forecast net spend for the year
            ("variance", _NUMBER),  # £m, forecast outturn − budget (positive = overspend)
            ("commentary", _TEXT),
            ("reference", _TEXT),  # where the figures were published, e.g. a Cabinet report and its line
            ("author", _TEXT),
            ("written_at", _TEXT),
            ("illustrative", _FLAG),
            ("source", _TEXT),
            ("batch_id", _TEXT),
            ("version", _INT),
        ]
    ),
    RISKS: pa.schema(
        [
            ("risk_id", _TEXT),
            ("period", _TEXT),  # the quarter the risk was reviewed in
            ("title", _TEXT),
            ("owner_role", _TEXT),  # a post, never a person ("to be confirmed" where unknown)
            ("likelihood", _INT),  # 1 to the register's risk_policy.scale
            ("impact", _INT),
            ("score", _INT),  # likelihood × impact
            ("measures", _TEXT),  # linked measure ids, separated by "; "
            ("actions", _TEXT),  # linked priority action ids, separated by "; "
            ("mitigation", _TEXT),
            ("reference", _TEXT),
            ("author", _TEXT),
            ("written_at", _TEXT),
            ("illustrative", _FLAG),
            ("source", _TEXT),
            ("batch_id", _TEXT),
            ("version", _INT),
        ]
    ),
    BATCHES: pa.schema(
        [
            ("batch_id", _TEXT),
            ("kind", _TEXT),
            ("file", _TEXT),
            ("sha256", _TEXT),
            ("rows", pa.int64()),
            ("rows_rejected", pa.int64()),
            ("user", _TEXT),
            ("loaded_at", _TEXT),
        ]
    ),
}
KEYS = {
    WORKFLOW: ["item_kind", "item_id", "period"],
    REMINDERS: ["item_kind", "item_id", "period", "step", "kind"],
    RECOMMENDATIONS: ["rec_id"],
    REPORTED: ["period", "area_code", "measure_id"],
    COMMENTARY: ["measure_id", "period"],
    ACTION_UPDATES: ["action_id", "period"],
    TARGET_VERSIONS: ["measure_id", "financial_year"],
    FIGURE_NOTES: ["measure_id", "area_code", "period_label"],
    FINANCE: ["service_line", "period"],
    RISKS: ["risk_id", "period"],
    KEY_MESSAGES: ["period"],
}
"""What a version is a version of."""


def empty(name: str) -> pd.DataFrame:
    """A table with no rows and the table's columns and types."""
    return SCHEMAS[name].empty_table().to_pandas()


def read(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Every version in a ledger table, oldest first (empty when nothing has been written), after checking
    it is the file its commit wrote (:func:`scorecard.store.storage.read_kept`: a changed, truncated, deleted
    or planted table is :class:`scorecard.store.storage.IntegrityError`, never read)."""
    data_dir = Path(data_dir or storage.default_data_dir())
    payload = storage.read_kept(data_dir, f"{name}.parquet")
    return _upgraded(name, pd.read_parquet(io.BytesIO(payload))) if payload is not None else empty(name)


def _upgraded(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A workflow or reminders table written before priority actions had a workflow (one ``measure_id`` column)
    read as today's: each row a measure's (``item_kind`` measure, ``item_id`` its id), written so next time."""
    if name in (WORKFLOW, REMINDERS) and "measure_id" in frame.columns and "item_id" not in frame.columns:
        frame = frame.rename(columns={"measure_id": "item_id"})
        frame.insert(0, "item_kind", "measure")
    return frame


def appended(name: str, existing: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    """``existing`` with ``rows`` added as new versions (``version`` counts on per key, from 1)."""
    if not rows:
        return existing
    new = pd.DataFrame(rows)
    keys = KEYS.get(name)
    if keys:
        held = existing.groupby(keys)["version"].max() if len(existing) else pd.Series(dtype="int64")
        key = (lambda r: tuple(r[k] for k in keys)) if len(keys) > 1 else (lambda r: r[keys[0]])  # a one-key index
        start = [int(held.get(key(r), 0)) for r in rows]
        new["version"] = [s + 1 + n for s, n in zip(start, new.groupby(keys).cumcount())]
    columns = SCHEMAS[name].names
    return pd.concat([existing, new[columns]], ignore_index=True) if len(existing) else new[columns]


def latest(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The current version of each key (the highest ``version``)."""
    if frame.empty:
        return frame
    keys = KEYS[name]
    return frame.sort_values("version").drop_duplicates(keys, keep="last").reset_index(drop=True)


def as_at(name: str, period: str, data_dir: str | Path | None = None, each: str | None = None) -> pd.DataFrame:
    """What a quarterly table said at the end of the reporting quarter ``period``: the current versions of the
    quarters up to it — with ``each`` (a key column, e.g. ``risk_id``) the latest quarter's row of each key (a
    risk stays on the register as last reviewed), else every row of the latest quarter held (a budget
    monitoring return is one whole forecast)."""
    held = latest(read(name, data_dir), name)
    if held.empty:
        return held
    seq = held["period"].map(lambda label: periods.parse_label(label).seq)
    held, seq = held[seq <= periods.parse_label(period).seq], seq[seq <= periods.parse_label(period).seq]
    if each:
        return (
            held.assign(_seq=seq)
            .sort_values("_seq", kind="stable")
            .drop_duplicates(each, keep="last")
            .drop(columns="_seq")
            .reset_index(drop=True)
        )
    return held[seq == seq.max()].reset_index(drop=True) if len(held) else held


def write(data_dir: str | Path, tables: dict[str, pd.DataFrame], log: list[dict] | None = None) -> None:
    """Write ledger tables (with their schemas) and audit-log entries in one journalled commit; the caller
    holds :func:`scorecard.store.storage.locked`."""
    storage.write_tables(Path(data_dir), tables, schemas={n: SCHEMAS[n] for n in tables}, log=log)
