"""The performance conversation of a reporting quarter as it stands: each measure's current commentary,
each priority action's current update, the targets in force, and beside them the revenue budget monitoring and
the risks held at the quarter — one frame (``part``) that a published snapshot freezes with the figures — and how
the current text compares with the published text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scorecard.store import ledger, periods, storage

PARTS = {
    "commentary": ledger.COMMENTARY,
    "action_update": ledger.ACTION_UPDATES,
    "finance": ledger.FINANCE,
    "risk": ledger.RISKS,
    "key_messages": ledger.KEY_MESSAGES,
}
COMPARED = {
    "commentary": ("measure_id", ["narrative", "corrective_action", "action_owner", "due_date"]),
    "action_update": ("action_id", ["status", "percent_complete", "narrative"]),
}
"""What an edit after publication is compared on: the key, and the fields a reader sees."""


def current(name: str, period: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """The current version of each measure's commentary (or action's update) for the quarter."""
    latest = ledger.latest(ledger.read(name, data_dir), name)
    return latest[latest["period"] == period].reset_index(drop=True)


def targets_in_force(period: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """The rows of the ``targets`` table in force at the quarter's end."""
    folder = Path(data_dir or storage.default_data_dir())
    table = pd.read_parquet(storage.table_path(folder, "targets"))
    end = pd.Timestamp(periods.parse_label(period).end)
    holds = (table["fy_start"].isna() | (table["fy_start"] <= end)) & (
        table["fy_end"].isna() | (end <= table["fy_end"])
    )
    return table[holds].reset_index(drop=True)


def finance(period: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """The revenue budget monitoring return in force at the quarter's end (the latest held up to it)."""
    return ledger.as_at(ledger.FINANCE, period, data_dir)


def risks(period: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Each risk as last reviewed up to the quarter."""
    return ledger.as_at(ledger.RISKS, period, data_dir, each="risk_id")


def recommendations(period: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Overview and Scrutiny's recommendations raised at or before the quarter, each as it stands now, in the order
    raised (SR-1, SR-2, …)."""
    held = ledger.as_at(ledger.RECOMMENDATIONS, period, data_dir, each="rec_id")
    return held.sort_values("rec_id", key=lambda ids: ids.str[3:].astype(int)).reset_index(drop=True)


def for_quarter(period: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """What publishing ``period`` freezes: the commentary written by people (the auto-draft saved unedited is
    never published as the service's narrative), the action updates, the targets in force, the financial
    position, the risks and the CPOR's key messages as BI wrote them, with ``part``."""
    commentary = current(ledger.COMMENTARY, period, data_dir)
    commentary = commentary[~commentary["auto_drafted"].astype(bool)]
    parts = [
        commentary.assign(part="commentary"),
        current(ledger.ACTION_UPDATES, period, data_dir).assign(part="action_update"),
        targets_in_force(period, data_dir).assign(part="target"),
        finance(period, data_dir).assign(part="finance"),
        risks(period, data_dir).assign(part="risk"),
        current(ledger.KEY_MESSAGES, period, data_dir).assign(part="key_messages"),
    ]
    return pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else _no_rows()


def _no_rows() -> pd.DataFrame:
    return pd.DataFrame({"part": pd.Series(dtype=str)})


def part(frozen: pd.DataFrame | None, name: str) -> pd.DataFrame:
    """One part of a frozen (or :func:`for_quarter`) frame, with that part's columns only."""
    columns = ledger.SCHEMAS[PARTS[name]].names if name in PARTS else None
    if frozen is None or "part" not in frozen or not (frozen["part"] == name).any():
        return ledger.empty(PARTS[name]) if name in PARTS else pd.DataFrame()
    rows = frozen[frozen["part"] == name].drop(columns="part").reset_index(drop=True)
    return rows[columns] if columns else rows.dropna(axis=1, how="all")


def compared(live: pd.DataFrame, published: pd.DataFrame, name: str) -> pd.DataFrame:
    """``live`` with ``updated_since_publication`` (its text differs from the published text, or it was
    written after publication) and the published fields as ``published_<field>``."""
    key, fields = COMPARED[name]
    out = live.copy()
    frozen = published.set_index(key) if len(published) else pd.DataFrame(columns=fields)
    changed = pd.Series(False, index=out.index)
    for field in fields:
        before = out[key].map(frozen[field]) if len(frozen) else pd.Series(None, index=out.index, dtype=object)
        out[f"published_{field}"] = before
        now = out[field].astype(object).where(out[field].notna(), "").astype(str)
        then = before.astype(object).where(before.notna(), "").astype(str)
        changed |= now != then
    out["updated_since_publication"] = changed.to_numpy(dtype=bool)
    return out


def published_with_flags(published: pd.DataFrame, live: pd.DataFrame, name: str) -> pd.DataFrame:
    """The published text, marked ``updated_since_publication`` where the current text has changed since
    (what the public and members see: the published text, never the new one)."""
    key, _ = COMPARED[name]
    changed = compared(live, published, name)
    updated = set(changed.loc[changed["updated_since_publication"], key])
    return published.assign(updated_since_publication=published[key].isin(updated).to_numpy(dtype=bool))


def figure_notes(measure_id: str, area: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """The current note of each of a measure's figures for an area (from returns), by period label."""
    notes = ledger.latest(ledger.read(ledger.FIGURE_NOTES, data_dir), ledger.FIGURE_NOTES)
    return notes[(notes["measure_id"] == measure_id) & (notes["area_code"] == area)][["period_label", "note"]]
