"""Chart text alternatives say what the chart draws (WCAG 1.1.1): no comparator line is described that is
not drawn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ui import charts


def _series(england, median) -> pd.DataFrame:
    n = 3
    return pd.DataFrame(
        {
            "period_label": ["2025/26 Q2", "2025/26 Q3", "2025/26 Q4"],
            "value": [90.0, 91.0, 85.6],
            "status": ["illustrative"] * n,
            "lower_ci": [np.nan] * n,
            "upper_ci": [np.nan] * n,
            "england_value": [england] * n,
            "group_median": [median] * n,
        }
    )


ROW = {"period_label": "2025/26 Q4", "value": 85.6, "unit": "percent", "decimals": 1, "target": 91.0}


@pytest.mark.parametrize(
    "england, median, words, traces",
    [
        (np.nan, np.nan, "2025/26 Q4, with no comparator figures and the target", 2),
        (88.0, np.nan, "2025/26 Q4, with England for comparison and the target", 3),
        (88.0, 89.0, "with England and the CIPFA nearest neighbours median for comparison", 4),
    ],
)
def test_the_trend_description_names_only_the_lines_drawn(england, median, words, traces):
    fig, alt = charts.trend(_series(england, median), ROW, "Outcomes met", "percent", "cipfa_nn")
    assert words in alt and len(fig.data) == traces
    assert ("England" in alt) == (england == england)  # NaN is not equal to itself
