"""A seeded, deterministic synthetic national dataset, written the way ``build-data`` writes.

Every English council from the real areas table (synthetic ``E99…`` codes beyond that),
``measures`` synthetic measures (proportions with numerators and denominators, rates with
95% intervals, counts), ``periods`` consecutive quarters (or months, or financial years) ending 2025/26, with
gaps, suppressed values and a comparator group of 15 neighbours per council.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scorecard import ENGLAND
from scorecard.evaluation import stats
from scorecard.ingest import build, sources
from scorecard.register import Measure, Register
from scorecard.register import load as load_register
from scorecard.store import periods, storage

SIZES = {
    "national": {"councils": 320, "measures": 1000, "periods": 40, "frequency": "quarterly"},
    "stress": {"councils": 320, "measures": 1000, "periods": 400, "frequency": "monthly"},
    "annual": {"councils": 320, "measures": 1000, "periods": 10, "frequency": "financial_year"},
    "test": {"councils": 40, "measures": 12, "periods": 8, "frequency": "quarterly"},
    "test-annual": {"councils": 40, "measures": 12, "periods": 8, "frequency": "financial_year"},
}
GROUP_SIZE = 15


def council_codes(count: int) -> list[str]:
    """Real English council codes (from the areas extract when present), then synthetic ones."""
    real: list[str] = []
    lookup = sources.default_sources_dir() / "la-lookup" / "england_current_las.csv"
    if lookup.is_file():
        las = pd.read_csv(lookup, dtype=str)
        real = sorted(las.loc[las["la_type"].isin(["MD", "UA", "LBO", "NMD", "CTY", "CC"]), "area_code"])
    return real[:count] + [f"E99{i:06d}" for i in range(max(0, count - len(real)))]


def register(measures: int, frequency: str = "quarterly") -> Register:
    """A synthetic register: proportions, rates and counts; PIs with fixed or neighbour-median targets."""
    items = []
    for i in range(measures):
        kind = ("proportion", "rate", "count")[i % 3]
        info = ("performance_indicator", "performance_indicator", "key_result", "contextual")[i % 4]
        polarity = "no_judgement" if i % 20 == 19 else ("higher_is_better", "lower_is_better")[i % 2]
        target = None
        if info == "performance_indicator":
            target = (
                {"basis": "fixed", "value": 50.0, "tolerance": 2.0, "financial_year": "2025/26"}
                if i % 8 < 4
                else {"basis": "cipfa_median", "tolerance": 1.0}
            )
            target |= {"rationale": "synthetic", "set_by": "benchmark"}
        items.append(
            {
                "id": f"bench_{i:05d}",
                "title": f"Synthetic measure {i}",
                "scorecard_text": "synthetic",
                "themes": ["bench"],
                "info_type": info,
                "polarity": polarity,
                "unit": {"proportion": "percent", "rate": "rate_per_100k", "count": "count"}[kind],
                "frequency": frequency,
                "calculation": "proportion" if kind == "proportion" else "value",
                "multiplier": 100.0 if kind == "proportion" else 1.0,
                "definition": kind,
                "what_good_looks_like": "synthetic",
                "source": {"match": "none", "returns": "illustrative"},
                "theme_responsibility": "bench",
                "metric_responsibility": "bench",
                "target": target,
                "stale_after_months": 12,
            }
        )
    return Register.model_validate(
        {
            "version": 1,
            "exception_policy": load_register().exception_policy.model_dump(),  # the council's own policy
            "themes": [
                {"id": "bench", "title": "Benchmark", "corporate_plan_title": "Benchmark", "responsibility": "-"}
            ],
            "datasets": [
                {
                    "id": "synthetic",
                    "title": "synthetic",
                    "publisher": "-",
                    "licence": "-",
                    "folder": "-",
                    "repository": "-",
                    "release": {"frequency": "irregular", "basis": "synthetic benchmark data"},
                }
            ],
            "measures": items,
        }
    )


def _periods(count: int, frequency: str) -> list[periods.Period]:
    if frequency == "financial_year":  # annual series: the ones the recent-trend test applies to
        return [periods.financial_year(2025 - i) for i in range(count)][::-1]
    last = periods.quarter(2025, 4) if frequency == "quarterly" else periods.month(2026, 3)
    if frequency == "quarterly":
        return [periods.quarter_at(last.seq - i) for i in range(count)][::-1]
    return [periods.month((last.seq - i) // 12, (last.seq - i) % 12 + 1) for i in range(count)][::-1]


def groups(codes: list[str], seed: int) -> pd.DataFrame:
    """Each council's 15 nearest neighbours in a seeded random 2-D 'similarity' space."""
    rng = np.random.default_rng(seed + 1)
    points = rng.random((len(codes), 2))
    distance = ((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(distance, np.inf)
    nearest = np.argsort(distance, axis=1, kind="stable")[:, :GROUP_SIZE]
    area = np.repeat(np.array(codes), nearest.shape[1])
    return pd.DataFrame(
        {
            "group_id": "cipfa_nn",
            "tier": "both",
            "area_code": area,
            "member_code": np.array(codes)[nearest.ravel()],
            "rank": pd.array(np.tile(np.arange(1, nearest.shape[1] + 1), len(codes)), dtype="Int64"),
        }
    )


def observations(measures: list[Measure], areas: list[str], chosen: list[periods.Period], seed: int) -> pd.DataFrame:
    """Long observation rows for these measures × areas × periods."""
    rng = np.random.default_rng(seed)
    n_m, n_a, n_p = len(measures), len(areas), len(chosen)
    shape = (n_m, n_a, n_p)
    kinds = np.array([m.definition for m in measures])[:, None, None]
    t = np.arange(n_p)[None, None, :]
    base = rng.uniform(0.2, 0.8, (n_m, n_a, 1))
    slope = rng.normal(0, 0.004, (n_m, n_a, 1))
    level = np.clip(base + slope * t + rng.normal(0, 0.01, shape), 0.01, 0.99)
    denominator = rng.integers(200, 5000, (n_m, n_a, 1)) * np.ones(shape)
    numerator = rng.binomial(denominator.astype(np.int64), level).astype(float)
    rate = 100 + 400 * level
    count = rng.poisson(5 + 300 * level).astype(float)
    value = np.where(kinds == "proportion", 100 * numerator / denominator, np.where(kinds == "rate", rate, count))
    is_prop = np.broadcast_to(kinds == "proportion", shape)
    lower = np.full(shape, np.nan)
    upper = np.full(shape, np.nan)
    low, high = stats.wilson_ci_array(numerator[is_prop], denominator[is_prop])
    lower[is_prop], upper[is_prop] = 100 * low, 100 * high
    is_rate = np.broadcast_to(kinds == "rate", shape)
    lower[is_rate], upper[is_rate] = rate[is_rate] * 0.9, rate[is_rate] * 1.1
    is_count = np.broadcast_to(kinds == "count", shape)
    low, high = stats.poisson_ci_array(count[is_count])
    lower[is_count], upper[is_count] = low, high
    draw = rng.random(shape)
    keep = draw >= 0.02  # 2% gaps: no row at all
    suppressed = (draw >= 0.02) & (draw < 0.03)  # 1% suppressed
    value = np.where(suppressed, np.nan, value)
    # area-major order, as storage.sort_observations writes real data
    a_idx, m_idx, p_idx = np.nonzero(keep.transpose(1, 0, 2))
    keep = keep.transpose(1, 0, 2)
    value, numerator, denominator = (x.transpose(1, 0, 2) for x in (value, numerator, denominator))
    lower, upper, suppressed = (x.transpose(1, 0, 2) for x in (lower, upper, suppressed))
    is_prop = is_prop.transpose(1, 0, 2)
    labels = pd.Categorical.from_codes(p_idx, [p.label for p in chosen])
    frame = pd.DataFrame(
        {
            "measure_id": pd.Categorical.from_codes(m_idx, [m.id for m in measures]),
            "area_code": pd.Categorical.from_codes(a_idx, areas),
            "period_kind": chosen[0].kind,
            "period_label": labels,
            "period_start": pd.to_datetime(np.array([p.start for p in chosen], dtype="datetime64[D]")[p_idx]),
            "period_end": pd.to_datetime(np.array([p.end for p in chosen], dtype="datetime64[D]")[p_idx]),
            "period_seq": np.array([p.seq for p in chosen], dtype=np.int64)[p_idx],
            "value": value[keep],
            "numerator": np.where(is_prop, numerator, np.nan)[keep],
            "denominator": np.where(is_prop, denominator, np.nan)[keep],
            "lower_ci": np.where(suppressed, np.nan, lower)[keep],
            "upper_ci": np.where(suppressed, np.nan, upper)[keep],
            "status": pd.Categorical(np.where(suppressed[keep], "suppressed", "ok")),
            "source_id": "synthetic",
            "batch_id": "bsynthetic",
        }
    )
    return frame


CHUNK_ROWS = 2_000_000
"""About this many observations are generated (and held in memory) at a time: the stress size never holds
all its rows at once."""


def _write_observations(out: Path, reg: Register, areas: pd.DataFrame, chosen: list[periods.Period], seed: int) -> int:
    """Generate and write observations a chunk of areas at a time, in storage order and with the storage
    keys (areas as from :func:`storage.keyed_areas`); then the derived ``period_values``. Returns the row count."""
    temp = out / ".observations.generating.parquet"
    measure_ids = sorted(m.id for m in reg.measures)
    per_chunk = max(1, CHUNK_ROWS // (len(reg.measures) * len(chosen)))
    writer: pq.ParquetWriter | None = None
    rows = 0
    try:
        for number, start in enumerate(range(0, len(areas), per_chunk)):
            codes = list(areas["code"].iloc[start : start + per_chunk])
            frame = storage.keyed_observations(
                observations(reg.measures, codes, chosen, seed + number), areas, measure_ids
            )
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if writer is None:
                schema = pa.schema(
                    [
                        pa.field(f.name, pa.dictionary(pa.int32(), pa.string()))
                        if pa.types.is_dictionary(f.type)
                        else f
                        for f in table.schema
                    ]
                )
                writer = pq.ParquetWriter(temp, schema)
            writer.write_table(table.cast(schema), row_group_size=storage.ROW_GROUP_ROWS)
            rows += len(frame)
        if writer is not None:
            writer.close()
        storage.write_period_values(temp, storage.table_path(out, "period_values"))
        os.replace(temp, storage.table_path(out, "observations"))
    finally:
        if temp.exists():
            temp.unlink()
    return rows


def generate(
    out_dir: str | Path,
    councils: int,
    measures: int,
    periods_count: int,
    frequency: str = "quarterly",
    seed: int = 2024,
) -> Register:
    """Write the synthetic tables to ``out_dir``; returns the synthetic register used to evaluate them."""
    reg = register(measures, frequency)
    codes = council_codes(councils)
    chosen = _periods(periods_count, frequency)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    areas = storage.keyed_areas(
        pd.DataFrame(
            {"code": codes + [ENGLAND], "name": codes + ["England"], "type": ["unitary"] * len(codes) + ["country"]}
        )
    )
    rows = _write_observations(out, reg, areas, chosen, seed)
    batches = pd.DataFrame(
        {
            "batch_id": ["bsynthetic"],
            "source_id": ["synthetic"],
            "kind": ["synthetic"],
            "file": ["synthetic"],
            "rows": [rows],
        }
    )
    storage.write_tables(
        out,
        {
            "areas": areas,
            "comparator_groups": groups(codes, seed),
            "targets": build.targets_table(reg),
            "batches": batches,
        },
    )
    return reg
