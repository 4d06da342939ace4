"""Year-end forecasts on hand-made series with known answers: linear, seasonal, cumulative; the reasons
for no forecast; on track / at risk / off track."""

import math

import numpy as np
import pandas as pd
import pytest

from scorecard.evaluation import forecast
from scorecard.store import periods


def _quarterly(values: dict[int, list[float]]) -> pd.DataFrame:
    rows = [(periods.quarter(year, q + 1).seq, v) for year, vs in values.items() for q, v in enumerate(vs)]
    return pd.DataFrame(rows, columns=["period_seq", "value"])


def _at(year: int, q: int) -> int:
    return periods.quarter(year, q).seq


def test_a_linear_series_is_forecast_exactly_by_its_drift():
    series = _quarterly({y: [4 * (y - 2020) + q for q in range(4)] for y in range(2020, 2024)} | {2024: [16, 17]})
    got = forecast.year_end(series, "quarter", _at(2024, 2), method="drift")
    assert got.method == "drift" and got.value == pytest.approx(19.0)  # Q4 of 2024/25 on the line
    assert got.lower < 19.0 < got.upper and (got.points, got.periods) == (2, 4)


def test_a_seasonal_series_is_forecast_exactly_by_last_year_s_profile():
    pattern = [10.0, 14.0, 9.0, 20.0]
    series = _quarterly({2022: pattern, 2023: pattern, 2024: pattern[:3]})
    got = forecast.year_end(series, "quarter", _at(2024, 3), method="profile")
    assert got.value == pytest.approx(20.0)


def test_a_cumulative_count_forecasts_the_year_total():
    first, last = periods.month(2023, 4).seq, periods.month(2025, 9).seq  # two complete years, then Apr–Sep 2025
    months = [(seq, 10.0 + seq % 2) for seq in range(first, last + 1)]
    series = pd.DataFrame(months, columns=["period_seq", "value"])
    got = forecast.year_end(series, "month", periods.month(2025, 9).seq, figure="total")
    assert got.value == pytest.approx(126.0)  # 63 so far + 6 more months at 10.5
    level = forecast.year_end(series, "month", periods.month(2025, 9).seq, figure="year_end", method="year_mean")
    assert level.value == pytest.approx(10.5)


@pytest.mark.parametrize(
    "values, upto, reason",
    [
        ({2023: [1, 2, 3, 4]}, (2023, 4), "year_complete"),
        ({2021: [1, 2, 3, 4], 2023: [5]}, (2023, 1), "history_too_short"),  # 2022/23 missing: no year just before
        ({2023: [1, 2, 3, 4]}, (2024, 2), "no_data_this_year"),
        ({2023: [1, 2, 3, 4], 2024: [5, math.nan, 6]}, (2024, 3), "gap_in_year"),
        ({2023: [4, 4, 4, 4], 2024: [4]}, (2024, 1), "no_variation"),
    ],
)
def test_no_forecast_and_why(values, upto, reason):
    series = _quarterly({y: vs for y, vs in values.items()}).dropna()
    got = forecast.year_end(series, "quarter", _at(*upto))
    assert got.reason == reason and math.isnan(got.value)


def test_annual_data_is_not_forecast():
    assert forecast.year_end(pd.DataFrame({"period_seq": [2024], "value": [1.0]}), "financial_year", 2024).reason == (
        "not_in_year"
    )


def test_status_against_the_target_by_polarity():
    got = forecast.status(
        [52, 48, 45, 48, None], [56, 53, 49, 52, 60], [50, 50, 50, 50, 50], np.array([1, 1, 1, -1, 1])
    )
    assert got.tolist() == ["on_track", "at_risk", "off_track", "at_risk", None]
    assert forecast.status([40], [45], [50], np.array([-1])).tolist() == ["on_track"]  # lower is better


def test_projected_rag_uses_the_rag_rule():
    got = forecast.projected_rag(
        [51.0, 49.0, 40.0, None], [50.0, 50.0, 50.0, 50.0], [2.0] * 4, np.array([1] * 4), ["performance_indicator"] * 4
    )
    assert got.tolist() == ["green", "amber", "red", None]


def test_backtest_forecasts_past_years_from_part_of_them():
    series = _quarterly({y: [10.0 + (q % 2) for q in range(4)] for y in (2021, 2022, 2023)})
    tested = forecast.backtest({"m": (series, "quarter", "year_end")})
    assert set(tested["year"]) == {2022, 2023} and set(tested["points"]) == {1, 2, 3}
    assert len(tested) == 2 * 3 * len(forecast.METHODS)
    assert (tested["outturn"] == 11.0).all()


def test_conformal_scale_is_the_rank_ceil_n_plus_1_times_80_percent_score():
    scores = np.arange(1, 21, dtype=float)  # n = 20: rank ceil(21 * 0.8) = 17
    assert forecast.conformal_scale(scores) == pytest.approx(17 / forecast.Z80)
    assert np.isnan(forecast.conformal_scale(scores[: forecast.MIN_CALIBRATION - 1]))


def test_calibration_uses_real_series_of_earlier_years_only():
    tested = pd.DataFrame(
        {
            "method": "latest",
            "year": [2020] * 10 + [2021] * 10 + [2022] * 10,
            "error": [1.0] * 10 + [2.0] * 10 + [50.0] * 10,
            "lower": -forecast.Z80,  # se = 1
            "upper": forecast.Z80,
            "illustrative": [False] * 20 + [True] * 10,
        }
    )
    assert forecast.calibration(tested, "latest") == pytest.approx(2.0 / forecast.Z80)  # illustrative ignored
    assert forecast.calibration(tested, "latest", before_year=2021) == pytest.approx(1.0 / forecast.Z80)
    assert forecast.calibration(tested.iloc[1:], "latest", before_year=2021) == 1.0  # 9 scores: too few
    judged = forecast.held_out(tested, "latest")
    assert not judged.loc[judged["year"] == 2021, "inside_calibrated"].any()  # scale from 2020 only: 1 / Z80


def test_the_status_is_judged_on_the_50_percent_band():
    """On track only when the whole band meets the target; at risk when the target lies inside it."""
    series = _quarterly({2023: [10.0, 12.0, 10.0, 12.0], 2024: [10.0, 12.0, 10.0, 12.0], 2025: [11.0]})
    got = forecast.year_end(series, "quarter", 2025 * 4, "year_end", "latest", scale=1.5)
    assert got.lower < got.band_lower < got.value < got.band_upper < got.upper
    assert (got.band_upper - got.value) / (got.upper - got.value) == pytest.approx(forecast.Z50 / forecast.Z80)
    target_inside_interval_not_band = got.band_lower - 0.01
    good = np.array([1])
    assert forecast.status([got.band_lower], [got.band_upper], [target_inside_interval_not_band], good)[0] == "on_track"
    assert forecast.status([got.lower], [got.upper], [target_inside_interval_not_band], good)[0] == "at_risk"
