"""Exception charts: PNG bytes with alt text that reads out the plotted values."""

from __future__ import annotations

import pytest

from scorecard.export import charts, content
from scorecard.present import wording
from scorecard.register import Context

PERIOD = "2025/26 Q4"


@pytest.fixture(scope="module")
def pack(oracle, reg, pack_dir):
    return content.build(Context.of(pack_dir, reg), period=PERIOD)


def test_chart_png_and_alt_text(pack):
    row = next(r for r in pack.rows if r.is_exception and r.target is not None and r.value is not None)
    chart = charts.draw(pack.ctx, row, pack.area_name)
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    points = charts.series(pack.ctx, row)
    assert points[-1].label == row.period_label  # the latest plotted point is the scorecard's figure
    assert len(points) <= charts.MAX_POINTS
    for point in points:
        if point.value is not None:
            assert f"{point.label}: {wording.format_value(point.value, row.unit, row.decimals)}" in chart.alt_text
    assert "Target" in chart.alt_text and row.rag_text in chart.alt_text
    assert charts.draw(pack.ctx, row, pack.area_name).png == chart.png  # deterministic


def test_series_stops_at_the_reporting_period(reg, oracle, pack_dir):
    earlier = content.build(Context.of(pack_dir, reg), period="2024/25 Q2")
    for row in earlier.rows:
        if row.is_exception and row.value is not None:
            points = charts.series(earlier.ctx, row)
            assert points[-1].label == row.period_label
            break
    else:
        pytest.fail("no exception in 2024/25 Q2")


def test_no_chart_without_values(pack):
    from dataclasses import replace

    row = replace(pack.rows[0], measure_id="no_such_measure")
    assert charts.draw(pack.ctx, row, pack.area_name) is None


def test_charts_compare_with_england_and_the_neighbour_median_from_zero(pack):
    row = next(r for r in pack.rows if r.measure_id == "cyp_sw_turnover_rate")
    points = charts.series(pack.ctx, row)
    median = [p for p in points if p.median is not None]
    assert median and median[-1].median == pytest.approx(row.benchmark_median)
    chart = charts.draw(pack.ctx, row, pack.area_name)
    assert f"Comparator group median (dash-dot line), latest {median[-1].label}" in chart.alt_text
    england = [p for p in points if p.england is not None]
    assert england and "England (dotted line)" in chart.alt_text
