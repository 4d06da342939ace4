"""Targets for a financial year as Cabinet confirms them each February: every measure with its target, basis,
tolerance, rationale and whether it is approved, proposed or still illustrative (from
:func:`scorecard.register.targets.for_year`)."""

from __future__ import annotations

import pandas as pd

from scorecard.present import wording
from scorecard.store import frames


def _value(record: dict, column: str) -> str:
    if record["basis"] and record["basis"] != "fixed" and column == "value":
        return wording.TARGET_BASIS[record["basis"]]
    return wording.format_value(record[column], record["unit"], record["decimals"])


def status_text(record: dict) -> str:
    """``Approved by Cabinet on 2027-02-04`` / ``Proposed — awaiting approval`` / …"""
    if record["status"] == "approved":
        return f"Approved by {record['approved_by']} on {record['approved_on']}"
    return wording.TARGET_STATUS[record["status"]]


def table(frame: pd.DataFrame, themes: dict[str, str]) -> pd.DataFrame:
    """The targets of one year for people to read and export: one row per measure, in register order."""
    records = frames.records(frame)
    year, before = (frame["financial_year"].iloc[0], frame["previous_year"].iloc[0]) if len(frame) else ("", "")
    return pd.DataFrame(
        {
            "Measure": [r["title"] for r in records],
            "Theme(s)": [", ".join(themes.get(t.strip(), t) for t in r["themes"].split(",")) for r in records],
            "Polarity": [wording.POLARITY[r["polarity"]] for r in records],
            f"Target {year}": [_value(r, "value") if r["basis"] else "–" for r in records],
            "Basis": [wording.TARGET_BASIS.get(r["basis"], "") for r in records],
            "Tolerance": [
                wording.format_value(r["tolerance"], r["unit"], r["decimals"]) if r["basis"] else "" for r in records
            ],
            "Set for this year": [
                "Yes" if r["for_this_year"] else ("No — carried forward" if r["basis"] else "") for r in records
            ],
            "Status": [status_text(r) for r in records],
            "Rationale": [r["rationale"] for r in records],
            f"Target {before}": [
                (
                    wording.TARGET_BASIS[r["previous_basis"]]
                    if r["previous_basis"] != "fixed"
                    else wording.format_value(r["previous_value"], r["unit"], r["decimals"])
                )
                if r["previous_basis"]
                else "–"
                for r in records
            ],
            "Measure id": [r["measure_id"] for r in records],
        }
    )


def counts(frame: pd.DataFrame) -> dict[str, int]:
    """Status → how many measures (approved, proposed, illustrative, contextual, none)."""
    found = frame["status"].value_counts()
    return {code: int(found.get(code, 0)) for code in wording.TARGET_STATUS}
