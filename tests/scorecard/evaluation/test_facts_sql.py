"""How deep the facts query reads each series: the latest five stored periods, and thirteen for a measure whose
period a year earlier may lie further back (monthly, or of more than one period kind). Every case is evaluated
both ways — every council in chunks (the classified read) and the council alone (every series read deep) — and
must agree."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from scorecard.evaluation import evaluate
from scorecard.evaluation.facts_sql import DEEP_SQL, DEEPEST, RECENT_PERIODS, depth
from scorecard.ingest import build
from scorecard.register import Context
from scorecard.store import db, periods, storage
from tests.scorecard.evaluation.test_evaluate import AREA, ENG, _measure, _register

OTHER = "E08000012"


def _row(mid: str, area: str, period: periods.Period, value: float) -> dict:
    return {
        "measure_id": mid,
        "area_code": area,
        "period_kind": period.kind,
        "period_label": period.label,
        "period_start": pd.Timestamp(period.start),
        "period_end": pd.Timestamp(period.end),
        "period_seq": period.seq,
        "value": value,
        "numerator": None,
        "denominator": None,
        "lower_ci": None,
        "upper_ci": None,
        "status": "ok",
        "source_id": "d",
        "batch_id": "b1",
    }


def _months(mid: str, area: str, count: int) -> list[dict]:
    """``count`` months up to March 2026, valued 1, 2, 3 … oldest first."""
    ends = [periods.month(2026 - (12 - m) // 12, (m - 1) % 12 + 1) for m in range(3 - count + 1, 4)]
    return [_row(mid, area, p, float(i + 1)) for i, p in enumerate(ends)]


def _quarters(mid: str, area: str, fys_and_quarters: list[tuple[int, int]]) -> list[dict]:
    return [_row(mid, area, periods.quarter(fy, q), float(fy * 10 + q)) for fy, q in fys_and_quarters]


def _written(tmp_path, observations: list[dict], *ids: str):
    reg = _register(*(_measure(mid) for mid in ids))
    areas = pd.DataFrame({"code": [OTHER, AREA, ENG], "name": [OTHER, AREA, ENG], "type": "met"})
    empty_groups = pd.DataFrame(columns=["group_id", "tier", "area_code", "member_code", "rank"])
    tables = {
        "areas": areas,
        "comparator_groups": empty_groups.astype({"rank": "Int64"}),
        "observations": pd.DataFrame(observations),
        "targets": build.targets_table(reg),
        "batches": pd.DataFrame({"batch_id": ["b1"], "source_id": ["d"]}),
    }
    storage.write_tables(tmp_path, tables)
    db.reset()
    return Context.of(tmp_path, reg)


def _both_ways(ctx: Context, report: str) -> pd.DataFrame:
    """The council's rows of the every-council (chunked, classified) evaluation, after checking them against
    its evaluation alone (every series read deep)."""
    every = evaluate.evaluate(ctx, report, areas=None)
    mine = every[every["area_code"] == AREA].reset_index(drop=True)
    alone = evaluate.evaluate(ctx, report, areas=[AREA])
    # the values, not the dtypes: a column with no value is inferred as text or object by how rows were gathered
    pd.testing.assert_frame_equal(mine, alone, check_exact=True, check_dtype=False)
    return mine.set_index("measure_id")


def test_depth_reads_five_of_every_series_and_thirteen_of_the_deep_measures():
    assert depth(None) == {"/*DEPTH*/": f"o.recency <= {DEEPEST} + $reach", "/*DEPTH_ROWS*/": str(DEEPEST)}
    assert depth([]) == {"/*DEPTH*/": "o.recency <= 5 + $reach", "/*DEPTH_ROWS*/": "5"}
    deep = depth([7, 3])
    assert deep["/*DEPTH*/"] == "(o.recency <= 5 + $reach OR (o.recency <= 13 + $reach AND o.measure_key IN (3, 7)))"
    assert deep["/*DEPTH_ROWS*/"] == "CASE WHEN o.measure_key IN (3, 7) THEN 13 ELSE 5 END"
    assert (RECENT_PERIODS, DEEPEST) == (5, 13)


def test_a_monthly_measure_is_read_deep_and_finds_the_month_a_year_earlier(tmp_path):
    rows = _months("monthly", AREA, 14) + _months("monthly", OTHER, 14)
    rows += _quarters("quarterly", AREA, [(2024, 4), (2025, 1), (2025, 2), (2025, 3), (2025, 4)])
    ctx = _written(tmp_path, rows, "monthly", "quarterly")
    keys = dict(db.connect(tmp_path).execute("SELECT DISTINCT measure_id, measure_key FROM observations").fetchall())
    assert [key for (key,) in db.connect(tmp_path).execute(DEEP_SQL, {"reach": 0}).fetchall()] == [keys["monthly"]]
    card = _both_ways(ctx, "2025/26 Q4")
    assert card.at["monthly", "period_label"] == periods.month(2026, 3).label
    assert card.at["monthly", "last_year_value"] == 2.0  # March 2025: the second of the fourteen months
    assert card.at["quarterly", "last_year_value"] == 20244.0  # four back, the oldest of the five read


def test_a_quarterly_series_with_gaps_finds_its_year_earlier_within_five(tmp_path):
    held = [(2024, 2), (2024, 4), (2025, 1), (2025, 2), (2025, 4)]  # no 2024/25 Q3 or 2025/26 Q3
    ctx = _written(tmp_path, _quarters("quarterly", AREA, held) + _quarters("quarterly", OTHER, held), "quarterly")
    card = _both_ways(ctx, "2025/26 Q4")
    assert card.at["quarterly", "last_year_value"] == 20244.0


@pytest.mark.parametrize(("report", "year_earlier"), [("2025/26 Q4", 20244.0), ("2025/26 Q2", 20242.0)])
def test_a_measure_of_two_period_kinds_is_read_deep(tmp_path, report, year_earlier):
    quarters = [(fy, q) for fy in (2023, 2024, 2025) for q in (1, 2, 3, 4)]
    years = [_row("mixed", AREA, periods.academic_year(year), 100.0 + year) for year in (2023, 2024)]
    rows = _quarters("mixed", AREA, quarters) + _quarters("mixed", OTHER, quarters) + years
    ctx = _written(tmp_path, rows, "mixed")
    assert len(db.connect(tmp_path).execute(DEEP_SQL, {"reach": 0}).fetchall()) == 1
    card = _both_ways(ctx, report)  # an academic year (to August) sits among the quarters: a year back is sixth
    assert card.at["mixed", "last_year_value"] == year_earlier


def test_kinds_numbered_by_their_year_are_read_deep(tmp_path):
    """A rolling year published each quarter, or snapshots, share a year's number: never counted five deep."""
    rolling = [_row("rolling", AREA, periods.year_ending(2025, m), float(m)) for m in (3, 6, 9, 12)]
    snapshots = [_row("snapshots", AREA, periods.snapshot(date(2025, m, 1)), float(m)) for m in (3, 9)]
    yearly = [_row("yearly", AREA, periods.financial_year(year), float(year)) for year in range(2015, 2025)]
    _written(tmp_path, rolling + snapshots + yearly, "rolling", "snapshots", "yearly")
    con = db.connect(tmp_path)
    keys = dict(con.execute("SELECT DISTINCT measure_id, measure_key FROM observations").fetchall())
    deep = {key for (key,) in con.execute(DEEP_SQL, {"reach": 0}).fetchall()}
    assert deep == {keys["rolling"], keys["snapshots"]}


def test_a_rolling_year_published_each_quarter_compares_the_same_month_a_year_earlier(tmp_path):
    """Four rolling years share a year's number: the year earlier is the one ending in the same month, once."""
    points = [periods.year_ending(year, m) for year in (2023, 2024, 2025) for m in (3, 6, 9, 12)]
    rows = [_row("rolling", area, p, float(p.end.year * 100 + p.end.month)) for p in points for area in (AREA, OTHER)]
    card = _both_ways(_written(tmp_path, rows, "rolling"), "2025/26 Q4")
    assert len(card) == 1  # one row for the measure, not one per rolling year of the year before
    assert (card.at["rolling", "period_label"], card.at["rolling", "last_year_value"]) == ("YE Dec 2025", 202412.0)
