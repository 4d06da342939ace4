"""Helpers shared by the ingest tests: known measures, CSV bytes, folder digests."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

QUARTERLY = "asc_msp_outcomes_met_pct"  # percent, quarterly, council-only (illustrative figures held)
COUNT = "asc_assistive_tech_telecare_clients"  # count, quarterly
YEARLY = "cyp_cla_placed_with_parents_pct"  # percent, financial year, public extract: never from a return
RETURN_YEARLY = "fin_total_debt_pct_core_spending"  # percent, financial year, council-only
MONTHLY = "asc_asksara_visits"  # count, monthly
HEADER = ["measure_id", "area_code", "period", "value", "numerator", "denominator", "status", "note"]


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under a folder (relative path → hash)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file()
    }


def csv_bytes(rows: list[dict], header: list[str] = HEADER, newline: str = "\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator=newline, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def row(**fields) -> dict:
    base = {"measure_id": QUARTERLY, "area_code": "E08000014", "period": "2025/26 Q2", "value": "93.5"}
    base.update(fields)
    return base
