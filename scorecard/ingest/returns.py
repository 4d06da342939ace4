"""Council figures: quarterly returns in ``data/returns/`` and figures the council itself published.

Returns are CSV files with columns ``measure_id, area_code, period, value`` and optionally
``numerator, denominator, status, note``. The returns shipped with the product are
ILLUSTRATIVE (status ``illustrative``); real returns carry status ``ok`` or ``provisional``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from scorecard.register import Register
from scorecard.store import periods

RETURN_STATUSES = {"ok", "provisional", "illustrative"}


def _period_columns(labels: pd.Series) -> pd.DataFrame:
    parsed = {label: periods.parse_label(label) for label in labels.unique()}
    chosen = [parsed[label] for label in labels]
    return pd.DataFrame(
        {
            "period_kind": [p.kind for p in chosen],
            "period_label": [p.label for p in chosen],
            "period_start": pd.to_datetime([p.start for p in chosen]),
            "period_end": pd.to_datetime([p.end for p in chosen]),
            "period_seq": [p.seq for p in chosen],
        }
    )


def read_return(path: Path, reg: Register) -> pd.DataFrame:
    """One returns file as observation rows (without batch id); ValueError names file, row and problem."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    known = {m.id for m in reg.measures}
    problems = []
    for row_number, row in enumerate(frame.to_dict("records"), start=2):
        if row.get("measure_id") not in known:
            problems.append(f"{path.name}:{row_number}: measure_id: unknown measure {row.get('measure_id')!r}")
        status = row.get("status") or "ok"
        if status not in RETURN_STATUSES:
            problems.append(f"{path.name}:{row_number}: status: {status!r} is not one of {sorted(RETURN_STATUSES)}")
        try:
            periods.parse_label(row.get("period", ""))
        except ValueError as err:
            problems.append(f"{path.name}:{row_number}: period: {err}")
    if problems:
        raise ValueError("\n".join(problems))
    out = pd.DataFrame({"measure_id": frame["measure_id"], "area_code": frame["area_code"]})
    out = pd.concat([out, _period_columns(frame["period"])], axis=1)
    for column in ("value", "numerator", "denominator"):
        out[column] = pd.to_numeric(frame[column], errors="coerce") if column in frame else float("nan")
    out["lower_ci"] = float("nan")
    out["upper_ci"] = float("nan")
    out["status"] = frame["status"].replace("", "ok") if "status" in frame else "ok"
    return out


def published_figures(reg: Register, seed_file: Path) -> pd.DataFrame:
    """Figures the council published (``seed_figures.csv`` lines named in the register) as observations."""
    lines = seed_file.read_text(encoding="utf-8").splitlines()
    rows = []
    for measure in reg.measures:
        for seed in measure.source.seed_figures:
            record = next(csv.reader([lines[seed.line - 1]]))
            number = re.search(r"-?\d+(?:\.\d+)?", record[1])
            if not number:
                raise ValueError(f"{seed_file.name}:{seed.line}: value: no number in {record[1]!r} for {measure.id}")
            rows.append(
                {
                    "measure_id": measure.id,
                    "area_code": seed.area_code,
                    "period": seed.period,
                    "value": float(number.group()),
                    "seed_line": seed.line,
                }
            )
    frame = pd.DataFrame(rows, columns=["measure_id", "area_code", "period", "value", "seed_line"])
    out = pd.concat([frame[["measure_id", "area_code"]], _period_columns(frame["period"])], axis=1)
    out["value"] = frame["value"]
    for column in ("numerator", "denominator", "lower_ci", "upper_ci"):
        out[column] = float("nan")
    out["status"] = "ok"
    return out
