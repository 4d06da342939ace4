"""Public-health statistical methods for the scorecard.

Confidence intervals and trend tests follow the methods used by OHID
Fingertips and described in PHE "Technical Guide: Confidence intervals"
(and the Fingertips "recent trend" methodology).

Scalar functions raise ``ValueError`` on invalid input; the ``*_array``
functions are the single implementation, used for whole columns, and return
NaN for missing or invalid rows instead of raising. The scalar functions are
thin wrappers around them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats as _st

__all__ = [
    "z_value",
    "wilson_ci",
    "wilson_ci_array",
    "byars_ci",
    "exact_poisson_ci",
    "poisson_ci",
    "poisson_ci_array",
    "chi2_trend_proportions",
    "chi2_trend_weighted",
    "leave_one_out_slopes_proportions",
    "leave_one_out_slopes_weighted",
    "trend_rows_proportions",
    "trend_rows_weighted",
]


#: Count at or above which Byar's approximation replaces the exact Poisson
#: interval (PHE Technical Guide).
POISSON_BYARS_THRESHOLD = 10


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _check_confidence(confidence: float) -> float:
    confidence = float(confidence)
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence}")
    return confidence


def z_value(confidence: float = 0.95) -> float:
    """Two-sided standard normal critical value: ``norm.ppf(1 - (1-confidence)/2)``.

    E.g. 1.95996 for 95%, 3.09023 for 99.8%.
    """
    confidence = _check_confidence(confidence)
    return float(_st.norm.ppf(1.0 - (1.0 - confidence) / 2.0))


def _as_float_array(values) -> np.ndarray:
    """1-d float array; pandas missing values (NaN, None, pd.NA) become NaN."""
    if hasattr(values, "to_numpy"):  # pandas Series / Index / nullable arrays
        arr = values.to_numpy(dtype=float, na_value=np.nan)
    else:
        arr = np.asarray(
            [np.nan if v is None else v for v in values] if isinstance(values, (list, tuple)) else values,
            dtype=float,
        )
    return np.atleast_1d(arr).astype(float, copy=False)


def _check_scalar(name: str, value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


# ---------------------------------------------------------------------------
# Wilson score interval for a proportion
# ---------------------------------------------------------------------------


def wilson_ci_array(counts, denominators, confidence: float = 0.95):
    """Vectorised Wilson score interval (Wilson 1927; Newcombe 1998, method 3).

    As in the PHE Technical Guide, with p = O/n::

        (2O + z² ± z·sqrt(z² + 4O(1-p))) / (2(n + z²))

    Returns ``(lower, upper)`` float arrays of proportions (0-1). Rows with a
    missing value, ``denominator <= 0``, ``count < 0`` or ``count > denominator``
    give NaN. ``O = 0`` gives lower exactly 0 and ``O = n`` upper exactly 1.
    """
    z = z_value(confidence)
    r = _as_float_array(counts)
    n = _as_float_array(denominators)
    r, n = np.broadcast_arrays(r, n)
    valid = np.isfinite(r) & np.isfinite(n) & (n > 0) & (r >= 0) & (r <= n)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = r / n
        z2 = z * z
        half = z * np.sqrt(z2 + 4.0 * r * (1.0 - p))
        denom = 2.0 * (n + z2)
        lower = (2.0 * r + z2 - half) / denom
        upper = (2.0 * r + z2 + half) / denom
    # Pin the boundary cases exactly (avoids -1e-17 / 1+1e-16 rounding).
    lower = np.where(r == 0, 0.0, np.clip(lower, 0.0, 1.0))
    upper = np.where(r == n, 1.0, np.clip(upper, 0.0, 1.0))
    lower = np.where(valid, lower, np.nan)
    upper = np.where(valid, upper, np.nan)
    return lower.astype(float), upper.astype(float)


def wilson_ci(count, denominator, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``count/denominator`` (Wilson 1927; Newcombe 1998).

    Returns ``(lower, upper)`` as proportions (0-1). Raises ``ValueError`` for
    ``denominator <= 0``, ``count < 0``, ``count > denominator`` or non-finite input.
    """
    count = _check_scalar("count", count)
    denominator = _check_scalar("denominator", denominator)
    if denominator <= 0:
        raise ValueError(f"denominator must be > 0, got {denominator}")
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if count > denominator:
        raise ValueError(f"count ({count}) must not exceed denominator ({denominator})")
    lo, hi = wilson_ci_array([count], [denominator], confidence)
    return float(lo[0]), float(hi[0])


# ---------------------------------------------------------------------------
# Poisson intervals for a count
# ---------------------------------------------------------------------------


def _byars_array(o: np.ndarray, z: float):
    """Byar's approximation on a float array (no validity masking)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = o * (1.0 - 1.0 / (9.0 * o) - z / (3.0 * np.sqrt(o))) ** 3
        o1 = o + 1.0
        upper = o1 * (1.0 - 1.0 / (9.0 * o1) + z / (3.0 * np.sqrt(o1))) ** 3
    lower = np.where(o == 0, 0.0, lower)
    return lower, upper


def _exact_poisson_array(o: np.ndarray, confidence: float):
    """Exact (Garwood) Poisson interval via chi-squared quantiles (no masking)."""
    alpha = 1.0 - confidence
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(o > 0, _st.chi2.ppf(alpha / 2.0, 2.0 * np.where(o > 0, o, 1.0)) / 2.0, 0.0)
        upper = _st.chi2.ppf(1.0 - alpha / 2.0, 2.0 * o + 2.0) / 2.0
    return np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)


def _poisson_array(counts, confidence: float, method: str):
    z = z_value(confidence)  # also validates confidence
    o = _as_float_array(counts)
    valid = np.isfinite(o) & (o >= 0)
    o_safe = np.where(valid, o, 0.0)
    if method == "byars":
        lower, upper = _byars_array(o_safe, z)
    elif method == "exact":
        lower, upper = _exact_poisson_array(o_safe, confidence)
    else:  # "auto": PHE rule
        b_lo, b_hi = _byars_array(o_safe, z)
        e_lo, e_hi = _exact_poisson_array(o_safe, confidence)
        use_byars = o_safe >= POISSON_BYARS_THRESHOLD
        lower = np.where(use_byars, b_lo, e_lo)
        upper = np.where(use_byars, b_hi, e_hi)
    lower = np.where(valid, lower, np.nan).astype(float)
    upper = np.where(valid, upper, np.nan).astype(float)
    return lower, upper


def poisson_ci_array(counts, confidence: float = 0.95):
    """Vectorised Poisson interval for counts, using the PHE rule.

    Byar's approximation for counts >= 10, exact (chi-squared) interval below.
    Returns ``(lower, upper)`` float arrays of counts; missing or negative
    counts give NaN.
    """
    return _poisson_array(counts, confidence, "auto")


def _poisson_scalar(count, confidence: float, method: str) -> tuple[float, float]:
    count = _check_scalar("count", count)
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    lo, hi = _poisson_array([count], confidence, method)
    return float(lo[0]), float(hi[0])


def byars_ci(count, confidence: float = 0.95) -> tuple[float, float]:
    """Byar's approximation to the Poisson interval (Breslow & Day 1987).

    ``lower = O(1 - 1/(9O) - z/(3√O))³``,
    ``upper = (O+1)(1 - 1/(9(O+1)) + z/(3√(O+1)))³``; lower is 0 when O = 0.
    Returns ``(lower, upper)`` as counts.
    """
    return _poisson_scalar(count, confidence, "byars")


def exact_poisson_ci(count, confidence: float = 0.95) -> tuple[float, float]:
    """Exact Poisson interval from chi-squared quantiles (Garwood 1936).

    ``lower = chi2.ppf(α/2, 2O)/2`` (0 when O = 0),
    ``upper = chi2.ppf(1-α/2, 2O+2)/2``. Returns ``(lower, upper)`` as counts.
    """
    return _poisson_scalar(count, confidence, "exact")


def poisson_ci(count, confidence: float = 0.95) -> tuple[float, float]:
    """Poisson interval for a count by the PHE rule: Byar's for O >= 10, exact below."""
    return _poisson_scalar(count, confidence, "auto")


# ---------------------------------------------------------------------------
# Trend tests (Fingertips "recent trend")
# ---------------------------------------------------------------------------


def _positions(n: int) -> np.ndarray:
    return np.arange(1, n + 1, dtype=float)


def _paired(a, b, c=None):
    arrays = [_as_float_array(a), _as_float_array(b)] + ([] if c is None else [_as_float_array(c)])
    if len({len(x) for x in arrays}) != 1:
        raise ValueError("input sequences must have the same length")
    return arrays


def _rows(*arrays) -> list[np.ndarray]:
    """2-d float arrays (series × points) of one shape."""
    out = [np.atleast_2d(np.asarray(a, dtype=float)) for a in arrays]
    if len({a.shape for a in out}) != 1:
        raise ValueError("input arrays must have the same shape")
    return out


def trend_rows_proportions(counts, denominators) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chi-squared test for linear trend in proportions (Cochran 1954; Armitage 1955), one series a row.

    Points are at x = 1..k (k columns). With p̄ = Σr/Σn and T = Σr·x − p̄·Σn·x::

        chi2 = T² / [p̄(1−p̄)(Σn·x² − (Σn·x)²/Σn)]

    Returns ``(chi2, T, T_left_out)``: ``T_left_out[:, i]`` is T with point i removed (the others keep their
    x). Sums run over the points in x order, so a statistic has the same bits every run (published snapshots
    are hashed). chi2 is NaN for fewer than 3 points, a missing value, or p̄ = 0 or 1; T is NaN for a missing
    value. Rows are not validated (see :func:`chi2_trend_proportions`).
    """
    r, n = _rows(counts, denominators)
    x = _positions(r.shape[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        sr, sn, srx, snx, snxx = r.sum(1), n.sum(1), (r * x).sum(1), (n * x).sum(1), (n * x * x).sum(1)
        pbar = sr / sn
        t = srx - pbar * snx
        v = pbar * (1.0 - pbar) * (snxx - snx * snx / sn)
        chi2 = np.where((r.shape[1] >= 3) & (v > 0), t * t / v, np.nan)
        r_out, n_out = sr[:, None] - r, sn[:, None] - n
        t_out = (srx[:, None] - r * x) - r_out / n_out * (snx[:, None] - n * x)
    if r.shape[1] < 3:
        t_out[:] = np.nan
    return chi2, t, t_out


def trend_rows_weighted(values, lower95, upper95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse-variance weighted linear regression trend test (Fingertips recent trend), one series a row.

    x = 1..k, SE = (upper − lower)/3.92, w = 1/SE²::

        b = (Σw·Σwxy − Σwx·Σwy) / (Σw·Σwxx − (Σwx)²)
        Var(b) = Σw / (Σw·Σwxx − (Σwx)²),  chi2 = b²/Var(b)

    Returns ``(chi2, b, b_left_out)`` as :func:`trend_rows_proportions` does. NaN for a missing value or a
    zero or invalid interval width.
    """
    y, lo, hi = _rows(values, lower95, upper95)
    x = _positions(y.shape[1])
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        se = (hi - lo) / 3.92
        w = np.where(np.isfinite(se) & (se > 0), 1.0 / se**2, np.nan)
        sw, swx, swy, swxx, swxy = w.sum(1), (w * x).sum(1), (w * y).sum(1), (w * x * x).sum(1), (w * x * y).sum(1)
        d = sw * swxx - swx * swx
        b = np.where(d > 0, (sw * swxy - swx * swy) / d, np.nan)
        chi2 = np.where((y.shape[1] >= 3) & (d > 0), b * b * d / sw, np.nan)
        w_out = sw[:, None] - w
        wx_out, wy_out = swx[:, None] - w * x, swy[:, None] - w * y
        d_out = w_out * (swxx[:, None] - w * x * x) - wx_out * wx_out
        b_out = np.where(d_out > 0, (w_out * (swxy[:, None] - w * x * y) - wx_out * wy_out) / d_out, np.nan)
    if y.shape[1] < 3:
        b_out[:] = np.nan
    return chi2, b, b_out


def chi2_trend_proportions(counts: Sequence[float], denominators: Sequence[float]) -> tuple[float, float]:
    """:func:`trend_rows_proportions` for one series: ``(chi2, sign(T))`` (1.0, -1.0, 0.0, NaN if undefined).

    Raises ``ValueError`` for mismatched lengths or impossible counts (negative, above the denominator,
    denominator <= 0).
    """
    r, n = _paired(counts, denominators)
    _check_counts(r, n)
    chi2, t, _ = trend_rows_proportions(r, n)
    return float(chi2[0]), float(np.sign(t[0]))


def chi2_trend_weighted(
    values: Sequence[float], lower95: Sequence[float], upper95: Sequence[float]
) -> tuple[float, float]:
    """:func:`trend_rows_weighted` for one series: ``(chi2, slope b)``."""
    y, lo, hi = _paired(values, lower95, upper95)
    chi2, b, _ = trend_rows_weighted(y, lo, hi)
    return float(chi2[0]), float(b[0])


def leave_one_out_slopes_proportions(counts: Sequence[float], denominators: Sequence[float]) -> list[float]:
    """Cochran–Armitage T with each point removed in turn (the rest keep their x); NaN where undefined."""
    r, n = _paired(counts, denominators)
    _check_counts(r, n)
    return [float(t) for t in trend_rows_proportions(r, n)[2][0]]


def leave_one_out_slopes_weighted(
    values: Sequence[float], lower95: Sequence[float], upper95: Sequence[float]
) -> list[float]:
    """Weighted-regression slope b with each point removed in turn (the rest keep their x); NaN where undefined."""
    y, lo, hi = _paired(values, lower95, upper95)
    return [float(b) for b in trend_rows_weighted(y, lo, hi)[2][0]]


def _check_counts(r: np.ndarray, n: np.ndarray) -> None:
    finite = np.isfinite(r) & np.isfinite(n)
    if np.any(finite & ((n <= 0) | (r < 0) | (r > n))):
        raise ValueError("need denominators > 0 and 0 <= count <= denominator")
