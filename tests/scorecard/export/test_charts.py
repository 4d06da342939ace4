"""Exception charts: PNG bytes with alt text that reads out the plotted values."""

from __future__ import annotations

import pytest

from scorecard.export import charts, content
from scorecard.present import wording

PERIOD = "2025/26 Q4"


@pytest.fixture(scope="module")
def pack(oracle, reg, pack_dir):
    return content.build(period=PERIOD, reg=reg, data_dir=pack_dir)


def test_chart_png_and_alt_text(pack):
    row = next(r for r in pack.rows if r.is_exception and r.target is not None and r.value is not None)
    chart = charts.draw(row, pack.area_code, pack.area_name, pack.data_dir)
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    points = charts.series(row, pack.area_code, pack.data_dir)
    assert points[-1][0] == row.period_label  # the latest plotted point is the scorecard's figure
    assert len(points) <= charts.MAX_POINTS
    for label, value, _ in points:
        if value is not None:
            assert f"{label}: {wording.format_value(value, row.unit, row.decimals)}" in chart.alt_text
    assert "Target" in chart.alt_text and row.rag_text in chart.alt_text
    assert charts.draw(row, pack.area_code, pack.area_name, pack.data_dir).png == chart.png  # deterministic


def test_series_stops_at_the_reporting_period(reg, oracle, pack_dir):
    earlier = content.build(period="2024/25 Q2", reg=reg, data_dir=pack_dir)
    for row in earlier.rows:
        if row.is_exception and row.value is not None:
            points = charts.series(row, earlier.area_code, pack_dir)
            assert points[-1][0] == row.period_label
            break
    else:
        pytest.fail("no exception in 2024/25 Q2")


def test_no_chart_without_values(pack):
    from dataclasses import replace

    row = replace(pack.rows[0], measure_id="no_such_measure")
    assert charts.draw(row, pack.area_code, pack.area_name, pack.data_dir) is None
