"""Targets as approved data: the register's targets are the initial set; each target loaded later is a new
version for a measure and financial year, never an overwrite (the framework: targets are confirmed each
February, seed 001 ~1777).

:func:`in_force` turns every version into the ``targets`` table the evaluation joins: per measure, date
ranges that never overlap, so a figure's period end finds at most one target — the one in force then. A
target set for a financial year covers that year only; a target with no year (a benchmark basis in the
register, e.g. the CIPFA neighbour median) covers every year that has no target of its own. So a target
approved for 2026/27 leaves every 2025/26 quarter's RAG as it was.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from scorecard.register.definitions import Register
from scorecard.store import frames, ledger, periods

STATUSES = ("approved", "proposed", "illustrative")
TABLE_COLUMNS = [
    "measure_id",
    "basis",
    "value",
    "tolerance",
    "financial_year",
    "fy_start",
    "fy_end",
    "rationale",
    "set_by",
    "illustrative",
    "approved_by",
    "approved_on",
    "status",
]
"""The ``targets`` table: ``fy_start`` / ``fy_end`` bound the dates a row is in force (empty = open)."""


def status(illustrative: bool, approved_on: str) -> str:
    """``illustrative`` (made up for demonstration), ``approved`` (with who and when) or ``proposed``."""
    if illustrative:
        return "illustrative"
    return "approved" if approved_on else "proposed"


def from_register(reg: Register) -> pd.DataFrame:
    """The register's targets as the first versions (one per measure that has a target)."""
    rows = [
        {
            "measure_id": m.id,
            "financial_year": m.target.financial_year,
            "basis": m.target.basis,
            "value": m.target.value,
            "tolerance": m.target.tolerance,
            "rationale": m.target.rationale,
            "set_by": m.target.set_by,
            "approved_by": "",
            "approved_on": "",
            "illustrative": m.target.illustrative,
            "source": "register",
            "batch_id": "",
            "written_at": "",
            "version": 0,
        }
        for m in reg.measures
        if m.target is not None
    ]
    return pd.DataFrame(rows, columns=ledger.SCHEMAS[ledger.TARGET_VERSIONS].names)


def versions(reg: Register, loaded: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every target version, oldest first: the register's, then those loaded (``ledger.TARGET_VERSIONS``)."""
    if loaded is None or loaded.empty:
        return from_register(reg)
    return pd.concat([from_register(reg), loaded], ignore_index=True)


def current(all_versions: pd.DataFrame) -> pd.DataFrame:
    """The latest version for each measure and financial year (``""`` = every year)."""
    return all_versions.drop_duplicates(["measure_id", "financial_year"], keep="last").reset_index(drop=True)


def _row(version: dict, start, end) -> dict:
    return {
        "measure_id": version["measure_id"],
        "basis": version["basis"],
        "value": version["value"],
        "tolerance": version["tolerance"],
        "financial_year": version["financial_year"],
        "fy_start": start,
        "fy_end": end,
        "rationale": version["rationale"],
        "set_by": version["set_by"],
        "illustrative": bool(version["illustrative"]),
        "approved_by": version["approved_by"],
        "approved_on": version["approved_on"],
        "status": status(bool(version["illustrative"]), version["approved_on"]),
    }


def in_force(all_versions: pd.DataFrame) -> pd.DataFrame:
    """The ``targets`` table: for each measure, the current version of each year's target over that year,
    and its year-less target over the years between (see the module docstring)."""
    rows = []
    for _, part in current(all_versions).groupby("measure_id", sort=True):
        dated = sorted(
            ((periods.parse_label(v["financial_year"]), v) for v in frames.records(part) if v["financial_year"]),
            key=lambda pair: pair[0].start,
        )
        general = [v for v in frames.records(part) if not v["financial_year"]]
        start = None
        for year, version in dated:
            if general and (start is None or start < year.start):
                rows.append(_row(general[-1], start, year.start - timedelta(days=1)))
            rows.append(_row(version, year.start, year.end))
            start = year.end + timedelta(days=1)
        if general:
            rows.append(_row(general[-1], start, None))
    frame = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    for column in ("fy_start", "fy_end"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    return frame


def for_year(reg: Register, all_versions: pd.DataFrame, year: str) -> pd.DataFrame:
    """Every measure's target in force for financial year ``year`` (and the year before), with its basis and
    status — what Cabinet confirms each February. Measures with no target say so."""
    fy = periods.parse_label(year)
    if fy.kind != "financial_year":
        raise ValueError(f"{year!r} is not a financial year like '2026/27'")
    before = periods.financial_year(fy.seq - 1)
    spans: dict[str, list[dict]] = {}
    for span in frames.records(in_force(all_versions)):
        spans.setdefault(span["measure_id"], []).append(span)

    def at(measure_id: str, day) -> dict | None:
        day = pd.Timestamp(day)
        return next(
            (
                s
                for s in spans.get(measure_id, [])
                if (pd.isna(s["fy_start"]) or s["fy_start"] <= day) and (pd.isna(s["fy_end"]) or day <= s["fy_end"])
            ),
            None,
        )

    rows = []
    for m in reg.measures:
        now, then = at(m.id, fy.end), at(m.id, before.end)
        rows.append(
            {
                "measure_id": m.id,
                "title": m.title,
                "themes": ", ".join(m.themes),
                "info_type": m.info_type,
                "polarity": m.polarity,
                "unit": m.unit,
                "decimals": m.decimals,
                "financial_year": fy.label,
                "basis": now["basis"] if now else "",
                "value": now["value"] if now else None,
                "tolerance": now["tolerance"] if now else None,
                "for_this_year": bool(now and now["financial_year"] == fy.label),
                "rationale": now["rationale"] if now else "",
                "set_by": now["set_by"] if now else "",
                "approved_by": now["approved_by"] if now else "",
                "approved_on": now["approved_on"] if now else "",
                "status": now["status"] if now else ("contextual" if m.info_type == "contextual" else "none"),
                "previous_year": before.label,
                "previous_basis": then["basis"] if then else "",
                "previous_value": then["value"] if then else None,
            }
        )
    return pd.DataFrame(rows)
