"""Reference-value tests for scorecard.evaluation.stats (PHE / Fingertips methods)."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2 as chi2_dist

from scorecard.evaluation.judgements.trend import CHI2_CRITICAL as TREND_CHI2_CRITICAL
from scorecard.evaluation.judgements.trend import significant
from scorecard.evaluation.stats import (
    byars_ci,
    chi2_trend_proportions,
    chi2_trend_weighted,
    exact_poisson_ci,
    leave_one_out_slopes_proportions,
    leave_one_out_slopes_weighted,
    poisson_ci,
    poisson_ci_array,
    wilson_ci,
    wilson_ci_array,
    z_value,
)

Z95 = 1.959963984540054


# --------------------------------------------------------------------------- z
def test_z_value():
    assert z_value(0.95) == pytest.approx(Z95, abs=1e-12)
    assert z_value(0.998) == pytest.approx(3.090232, abs=1e-6)
    for bad in (0, 1, 1.5, -0.1):
        with pytest.raises(ValueError):
            z_value(bad)


def test_trend_critical_value_is_chi2_998_1df():
    assert TREND_CHI2_CRITICAL == pytest.approx(chi2_dist.ppf(0.998, 1), abs=1e-4)


# ---------------------------------------------------------------------- Wilson
def test_wilson_81_of_263_hand_worked():
    # p = 81/263 = 0.307985, z = 1.959964, z² = 3.841459
    # 4·O·(1-p) = 4·81·182/263 = 224.212928
    # sqrt(z² + 224.212928) = sqrt(228.054387) = 15.101470; × z = 29.598338
    # 2O + z² = 165.841459 ;  2(n + z²) = 533.682918
    # lower = (165.841459 - 29.598338)/533.682918 = 0.255289
    # upper = (165.841459 + 29.598338)/533.682918 = 0.366210
    lo, hi = wilson_ci(81, 263)
    assert lo == pytest.approx(0.255289, abs=1e-6)
    assert hi == pytest.approx(0.366210, abs=1e-6)


def _wilson_alternative_form(r, n, z):
    # Textbook form (Newcombe 1998):
    # (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    p = r / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


@pytest.mark.parametrize("r,n,conf", [(81, 263, 0.95), (3, 17, 0.95), (950, 1000, 0.998), (1, 2, 0.9)])
def test_wilson_matches_alternative_formula(r, n, conf):
    exp = _wilson_alternative_form(r, n, z_value(conf))
    assert wilson_ci(r, n, conf) == pytest.approx(exp, abs=1e-12)


def test_wilson_edges():
    lo, hi = wilson_ci(0, 50)
    assert lo == 0.0
    # upper for 0/n is z²/(n + z²)
    assert hi == pytest.approx(Z95**2 / (50 + Z95**2), abs=1e-12)
    lo, hi = wilson_ci(50, 50)
    assert hi == 1.0
    assert lo == pytest.approx(50 / (50 + Z95**2), abs=1e-12)


def test_wilson_998_wider_than_95():
    lo95, hi95 = wilson_ci(81, 263)
    lo998, hi998 = wilson_ci(81, 263, confidence=0.998)
    assert lo998 < lo95 < 81 / 263 < hi95 < hi998


@pytest.mark.parametrize("r,n", [(1, 0), (0, 0), (1, -5), (-1, 10), (11, 10), (float("nan"), 10)])
def test_wilson_invalid_raises(r, n):
    with pytest.raises(ValueError):
        wilson_ci(r, n)


# --------------------------------------------------------------------- Poisson
def test_byars_10():
    # lower = 10(1 - 1/90 - z/(3√10))³ = 10(0.7822904)³ = 4.78745
    # upper = 11(1 - 1/99 + z/(3√11))³ = 11(1.1868805)³ = 18.39146
    # (4.7954, 18.3904 are the *exact* Poisson limits for 10, not Byar's.)
    lo, hi = byars_ci(10)
    assert lo == pytest.approx(4.7874, abs=1e-4)
    assert hi == pytest.approx(18.3915, abs=1e-4)


def test_byars_100():
    lo, hi = byars_ci(100)
    assert lo == pytest.approx(81.3621, abs=1e-4)
    assert hi == pytest.approx(121.6279, abs=1e-4)


def test_byars_zero():
    lo, hi = byars_ci(0)
    assert lo == 0.0
    # (1 - 1/9 + z/3)³
    assert hi == pytest.approx((1 - 1 / 9 + Z95 / 3) ** 3, abs=1e-12)


@pytest.mark.parametrize(
    "o,lo,hi",
    [
        (0, 0.0, 3.6889),  # upper = -ln(0.025)
        (1, 0.0253, 5.5716),  # lower = -ln(0.975)
        (5, 1.6235, 11.6683),
        (10, 4.7954, 18.3904),
    ],
)
def test_exact_poisson(o, lo, hi):
    got = exact_poisson_ci(o)
    assert got == pytest.approx((lo, hi), abs=1e-4)


def test_exact_poisson_closed_forms():
    assert exact_poisson_ci(0)[1] == pytest.approx(-math.log(0.025), abs=1e-12)
    assert exact_poisson_ci(1)[0] == pytest.approx(-math.log(0.975), abs=1e-12)
    assert exact_poisson_ci(0)[0] == 0.0


def test_poisson_ci_switches_at_10():
    assert poisson_ci(9) == exact_poisson_ci(9)
    assert poisson_ci(9) != byars_ci(9)
    assert poisson_ci(10) == byars_ci(10)
    assert poisson_ci(10) != exact_poisson_ci(10)
    assert poisson_ci(0) == exact_poisson_ci(0)


def test_poisson_wider_at_998():
    lo95, hi95 = poisson_ci(25)
    lo998, hi998 = poisson_ci(25, confidence=0.998)
    assert lo998 < lo95 < 25 < hi95 < hi998


@pytest.mark.parametrize("fn", [byars_ci, exact_poisson_ci, poisson_ci])
def test_poisson_invalid_raises(fn):
    with pytest.raises(ValueError):
        fn(-1)
    with pytest.raises(ValueError):
        fn(float("nan"))
    with pytest.raises(ValueError):
        fn(5, confidence=1.0)


# ---------------------------------------------------------------------- arrays
def test_wilson_array_matches_scalar_and_nan_passthrough():
    counts = pd.Series([81, 0, 50, 3, np.nan, 7, 11, -1, 5])
    denoms = pd.Series([263, 50, 50, 17, 100, np.nan, 10, 10, 0])
    lo, hi = wilson_ci_array(counts, denoms)
    assert isinstance(lo, np.ndarray) and isinstance(hi, np.ndarray)
    assert lo.dtype == float and hi.dtype == float and lo.shape == (9,)
    for i in range(4):
        assert (lo[i], hi[i]) == pytest.approx(wilson_ci(counts[i], denoms[i]), abs=1e-15)
    # missing -> NaN; count > denom, negative count, zero denominator -> NaN
    assert np.isnan(lo[4:]).all() and np.isnan(hi[4:]).all()
    lo998, hi998 = wilson_ci_array(counts, denoms, confidence=0.998)
    assert (lo998[:4] <= lo[:4]).all() and (hi998[:4] >= hi[:4]).all()


def test_wilson_array_nullable_int_and_plain_arrays():
    counts = pd.Series([81, pd.NA, 3], dtype="Int64")
    denoms = pd.Series([263, 100, 17], dtype="Int64")
    lo, hi = wilson_ci_array(counts, denoms)
    assert (lo[0], hi[0]) == pytest.approx(wilson_ci(81, 263), abs=1e-15)
    assert np.isnan(lo[1]) and np.isnan(hi[1])
    lo2, hi2 = wilson_ci_array(np.array([81, 3]), np.array([263, 17]))
    np.testing.assert_allclose(lo2, lo[[0, 2]])
    np.testing.assert_allclose(hi2, hi[[0, 2]])


def test_poisson_array_matches_scalar_and_nan_passthrough():
    counts = pd.Series([0, 1, 5, 9, 10, 100, np.nan, -3])
    lo, hi = poisson_ci_array(counts)
    assert isinstance(lo, np.ndarray) and lo.dtype == float and hi.dtype == float
    for i in range(6):
        assert (lo[i], hi[i]) == pytest.approx(poisson_ci(counts[i]), abs=1e-12)
    assert (lo[4], hi[4]) == pytest.approx(byars_ci(10), abs=1e-12)
    assert (lo[3], hi[3]) == pytest.approx(exact_poisson_ci(9), abs=1e-12)
    assert np.isnan(lo[6:]).all() and np.isnan(hi[6:]).all()
    lo_i, hi_i = poisson_ci_array(pd.Series([5, pd.NA], dtype="Int64"), confidence=0.998)
    assert (lo_i[0], hi_i[0]) == pytest.approx(poisson_ci(5, 0.998), abs=1e-12)
    assert np.isnan(lo_i[1]) and np.isnan(hi_i[1])


# ----------------------------------------------------------------------- trend
# Hand-worked 5-point example: r = 10,12,15,18,20 of n = 100 each, x = 1..5
#   Σr = 75, Σn = 500, p̄ = 0.15
#   Σr·x = 10 + 24 + 45 + 72 + 100 = 251 ; Σn·x = 100·15 = 1500
#   T = 251 − 0.15·1500 = 26
#   Σn·x² = 100·55 = 5500 ; (Σn·x)²/Σn = 1500²/500 = 4500 -> 1000
#   V = 0.15·0.85·1000 = 127.5 ; chi2 = 26²/127.5 = 676/127.5 = 5.301961
R5 = [10, 12, 15, 18, 20]
N5 = [100] * 5


def test_chi2_trend_proportions_hand_worked():
    chi2, sign = chi2_trend_proportions(R5, N5)
    assert chi2 == pytest.approx(676 / 127.5, abs=1e-10)
    assert sign == 1
    # Reversed series: same chi2, negative sign
    chi2r, signr = chi2_trend_proportions(R5[::-1], N5)
    assert chi2r == pytest.approx(chi2, abs=1e-10) and signr == -1


def test_chi2_trend_proportions_flat():
    chi2, sign = chi2_trend_proportions([50, 100, 150, 200], [1000, 2000, 3000, 4000])
    assert chi2 == pytest.approx(0.0, abs=1e-12)


def test_chi2_trend_proportions_strong_increase():
    # 10%, 11%, ..., 14% of 10,000: T = 1000, chi2 = 94.697
    chi2, sign = chi2_trend_proportions([1000, 1100, 1200, 1300, 1400], [10000] * 5)
    assert chi2 > TREND_CHI2_CRITICAL
    assert chi2 == pytest.approx(94.69697, abs=1e-4)
    assert sign == 1


def test_chi2_trend_proportions_degenerate():
    assert math.isnan(chi2_trend_proportions([0, 0, 0, 0], [10, 20, 30, 40])[0])  # p̄ = 0
    assert math.isnan(chi2_trend_proportions([10, 20, 30], [10, 20, 30])[0])  # p̄ = 1
    assert math.isnan(chi2_trend_proportions([1, 2], [10, 10])[0])  # < 3 points
    assert math.isnan(chi2_trend_proportions([1, np.nan, 3], [10, 10, 10])[0])
    with pytest.raises(ValueError):
        chi2_trend_proportions([1, 2, 3], [10, 10])


def test_leave_one_out_proportions_keeps_positions():
    # Drop x=3 from the hand example: r = 10,12,18,20 at x = 1,2,4,5, n = 100
    #   p̄ = 60/400 = 0.15 ; Σr·x = 10+24+72+100 = 206 ; Σn·x = 1200
    #   T = 206 − 180 = 26   (re-indexing to x=1..4 would wrongly give 18)
    # Drop x=1: r = 12,15,18,20 at x = 2..5: p̄ = 65/400 = 0.1625,
    #   Σr·x = 24+45+72+100 = 241, Σn·x = 1400, T = 241 − 227.5 = 13.5
    loo = leave_one_out_slopes_proportions(R5, N5)
    assert len(loo) == 5
    assert loo[2] == pytest.approx(26.0, abs=1e-9)
    assert loo[0] == pytest.approx(13.5, abs=1e-9)


# Weighted hand example: y = 10,12,13,17; half-widths 1.96,0.98,0.98,1.96
#   SE = width/3.92 = 1, 0.5, 0.5, 1 -> w = 1, 4, 4, 1
#   Σw = 10, Σwx = 1+8+12+4 = 25, Σwx² = 1+16+36+16 = 69
#   Σwy = 10+48+52+17 = 127, Σwxy = 10+96+156+68 = 330
#   D = 10·69 − 25² = 65 ; b = (10·330 − 25·127)/65 = 125/65 = 1.923077
#   Var(b) = 10/65 ; chi2 = b²·65/10 = 15625/650 = 24.038462
WY = [10.0, 12.0, 13.0, 17.0]
WH = [1.96, 0.98, 0.98, 1.96]
WL = [y - h for y, h in zip(WY, WH)]
WU = [y + h for y, h in zip(WY, WH)]


def test_chi2_trend_weighted_hand_worked():
    chi2, b = chi2_trend_weighted(WY, WL, WU)
    assert b == pytest.approx(125 / 65, abs=1e-9)
    assert chi2 == pytest.approx(15625 / 650, abs=1e-8)


def test_chi2_trend_weighted_matches_wls():
    # Cross-check slope against numpy weighted least squares (weights = sqrt(w))
    rng = np.random.default_rng(1)
    y = rng.normal(20, 2, 8)
    half = rng.uniform(0.5, 3, 8)
    chi2, b = chi2_trend_weighted(y, y - half, y + half)
    x = np.arange(1, 9)
    w = 1 / (2 * half / 3.92) ** 2
    b_np = np.polyfit(x, y, 1, w=np.sqrt(w))[0]
    assert b == pytest.approx(b_np, rel=1e-9)


def test_leave_one_out_weighted_keeps_positions():
    # Drop x=2: x = 1,3,4, y = 10,13,17, w = 1,4,1
    #   Σw = 6, Σwx = 17, Σwx² = 53, Σwy = 79, Σwxy = 234
    #   D = 318 − 289 = 29 ; b = (1404 − 1343)/29 = 61/29 = 2.103448
    #   (re-indexing to x = 1,2,3 would wrongly give 3.5)
    loo = leave_one_out_slopes_weighted(WY, WL, WU)
    assert len(loo) == 4
    assert loo[1] == pytest.approx(61 / 29, abs=1e-9)


def test_chi2_trend_weighted_degenerate():
    assert math.isnan(chi2_trend_weighted([1, 2, 3], [1, 2, 3], [1, 2, 3])[0])  # zero width
    assert math.isnan(chi2_trend_weighted([1, 2], [0, 1], [2, 3])[0])  # < 3 points
    assert math.isnan(chi2_trend_weighted([1, np.nan, 3], [0, 1, 2], [2, 3, 4])[0])


def test_trend_significant_steady_increase():
    r, n = [1000, 1100, 1200, 1300, 1400], [10000] * 5
    chi2, sign = chi2_trend_proportions(r, n)
    loo = leave_one_out_slopes_proportions(r, n)
    assert all(s > 0 for s in loo)
    assert significant([chi2], [sign], [loo]).tolist() == [True]


def test_trend_driven_by_one_outlier_is_not_significant_proportions():
    # Slightly falling series with one huge final point: chi2 >> critical and
    # positive, but dropping the outlier reverses the slope.
    r, n = [1010, 1005, 1000, 995, 3000], [10000] * 5
    chi2, sign = chi2_trend_proportions(r, n)
    assert chi2 > TREND_CHI2_CRITICAL and sign == 1
    loo = leave_one_out_slopes_proportions(r, n)
    assert loo[-1] < 0 and all(s > 0 for s in loo[:-1])
    assert significant([chi2], [sign], [loo]).tolist() == [False]


def test_trend_driven_by_one_outlier_is_not_significant_weighted():
    y = [10.1, 10.05, 10.0, 9.95, 30.0]
    lo = [v - 0.5 for v in y]
    hi = [v + 0.5 for v in y]
    chi2, b = chi2_trend_weighted(y, lo, hi)
    assert chi2 > TREND_CHI2_CRITICAL and b > 0
    loo = leave_one_out_slopes_weighted(y, lo, hi)
    assert loo[-1] < 0
    assert significant([chi2], [b], [loo]).tolist() == [False]
