"""Exceptions for the Strategic Performance Group (DESIGN.md §5; framework, seed 001 ~1625, ~1713, ~1743):
which measures to look at, and why. Reporting is by exception, so only what is really exceptional counts:

- ``red`` against target, and ``persistent_red``: red now and for the figure reported before the current one
  (:func:`scorecard.evaluation.evaluate.previous_release` — never one figure counted twice);
- ``material_deterioration`` (:func:`deterioration`, DESIGN.md §5 as written): worse than the previous figure
  and outside its 95% confidence interval, *or* by more than the measure's materiality, *or* worse for two
  periods running; ``context_deterioration``: the same for a contextual measure — the borough's situation
  worsening, which the council influences but does not own, so it is kept apart from its performance (a
  lower severity in the policy); ``trend_worsening``: a Fingertips recent trend getting worse;
- ``red_red``: significantly worse than the benchmark and worsening;
- ``missing`` and ``stale`` data; ``no_commentary``: red or amber with no commentary for the quarter;
- ``amber`` against target, and ``exceeding_target`` by more than its tolerance (the two-sided report).

The register's ``exception_policy`` gives each rule a severity (1 = most severe) or switches it off; a
measure's reasons are listed most severe first and its severity is that of its most severe reason. One reason
per fact: a persistent red is not also listed as red. Each exception falls in one of DESIGN.md §5's three
tiers (:func:`tier`): *for decision*, *watch*, *going well*.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import get_args

import numpy as np
import pandas as pd

from scorecard.evaluation.judgements import direction as direction_rule
from scorecard.evaluation.judgements import rag as rag_rule
from scorecard.evaluation.judgements.arrays import flags, floats, texts, where
from scorecard.register.definitions import DeteriorationBasis

CODES = (
    "red_red", "persistent_red", "red", "material_deterioration", "trend_worsening", "no_commentary", "missing",
    "context_deterioration", "stale", "amber", "exceeding_target",
)  # fmt: skip
"""Every rule, in the order reasons are listed when two have the same severity."""


def materiality(unit, own, previous, sizes: Mapping, relative: float) -> np.ndarray:
    """How large a change must be to be material, in the measure's unit: the measure's own ``materiality``,
    else the policy's size for its unit, else ``relative`` × the earlier value."""
    units = texts(unit)
    by_unit = np.full(len(units), np.nan)
    for name, size in sizes.items():  # a few units: a comparison of the column each, not a lookup per row
        by_unit[units == name] = size
    fallback = relative * np.abs(floats(previous))
    own = floats(own)
    return np.where(~np.isnan(own), own, np.where(~np.isnan(by_unit), by_unit, fallback))


BASES = get_args(DeteriorationBasis)
"""Why a figure is a material deterioration, strongest first: outside the previous figure's 95% interval;
beyond the materiality (no interval to test); beyond the materiality but inside the interval, so chance alone
could give it (on a small base — 4.8 points on 34 cases — the card says so rather than hiding the fall); worse
for two periods running."""


def worse_run(recent, good) -> np.ndarray:
    """How many steps running, back from the latest, each figure was worse than the one before it by any amount
    (``recent``: rows × points, oldest first, NaN where missing; ``good``: the polarity sign, 0 = none)."""
    steps = np.diff(np.asarray(recent, dtype=float), axis=1) * np.asarray(good, dtype=float)[:, None]
    worse = steps < 0  # NaN steps and measures with no polarity are never worse
    return np.argmin(np.concatenate([worse[:, ::-1], np.zeros((len(worse), 1), dtype=bool)], axis=1), axis=1)


def deterioration(direction, good, previous_lower, previous_upper, size, band, recent) -> np.ndarray:
    """The basis (:data:`BASES`) of each row's material deterioration, None where there is none. The written rule
    of DESIGN.md §5: the latest figure worse than the previous one (``direction`` "worsening", beyond the neutral
    band) and outside the previous figure's 95% interval or by more than ``size`` (the materiality); or *worse
    two periods running* — each of the last two steps worse, by any amount, and the two together beyond the
    neutral band ``band`` — so a steady fall of small steps (MMR1 at 24 months: 87.8 → 86.8 → 86.1, the last
    step inside the band) counts, and a wobble inside the band does not. ``recent`` holds the last points
    (rows × points, oldest first; points across a series break left out as NaN)."""
    recent = np.asarray(recent, dtype=float)
    value, previous, third = recent[:, -1], recent[:, -2], recent[:, -3]
    lower, upper = floats(previous_lower), floats(previous_upper)
    has_interval = ~np.isnan(lower) & ~np.isnan(upper)
    worse = texts(direction) == "worsening"
    with np.errstate(invalid="ignore"):
        outside = has_interval & ((value < lower) | (value > upper))
        beyond = np.abs(value - previous) > floats(size)
        two_steps = np.abs(value - third) > direction_rule.neutral_band(third, band)
    sustained = (worse_run(recent, good) >= 2) & two_steps
    codes = np.select([worse & outside, worse & beyond & ~has_interval, worse & beyond, sustained], BASES, "")
    return where(codes != "", codes)


def without_commentary(rag, has_commentary) -> np.ndarray:
    """Red or amber against target with no commentary for the quarter (the ``no_commentary`` rule)."""
    return np.isin(texts(rag), ("red", "amber")) & ~flags(has_commentary)


def reasons(
    rag,
    direction,
    significance,
    trend,
    value,
    target,
    tolerance,
    good,
    deteriorated,
    info_type,
    severity: Mapping,
    previous_rag=None,
    has_commentary=None,
) -> np.ndarray:
    """A tuple of reason codes for each row, most severe first (``()`` when it is not an exception). Rules the
    policy leaves out are never given; ``persistent_red`` needs ``previous_rag`` (the previous report's RAG
    codes) and ``no_commentary`` needs ``has_commentary`` — without them those rules are not applied."""
    rag, direction, trend = texts(rag), texts(direction), texts(trend)
    contextual = texts(info_type) == "contextual"
    unknown = np.zeros(len(rag), dtype=bool)
    persistent = unknown if previous_rag is None else (rag == "red") & (texts(previous_rag) == "red")
    masks = {
        "red_red": (texts(significance) == "worse") & (direction == "worsening"),
        "persistent_red": persistent,
        "red": (rag == "red") & ~(persistent if "persistent_red" in severity else unknown),  # one reason per fact
        "material_deterioration": flags(deteriorated) & ~contextual,
        "context_deterioration": flags(deteriorated) & contextual,
        "trend_worsening": np.char.endswith(trend.astype(str), "_getting_worse"),
        "no_commentary": unknown if has_commentary is None else without_commentary(rag, has_commentary),
        "missing": rag == "missing",
        "stale": rag == "stale",
        "amber": rag == "amber",
        "exceeding_target": (rag == "green")
        & (rag_rule.margin(value, target, good) > np.maximum(np.nan_to_num(floats(tolerance)), 0)),
    }
    order = sorted((code for code in CODES if code in severity), key=lambda c: (severity[c], CODES.index(c)))
    combination = np.zeros(len(rag), dtype=np.int64)
    for bit, code in enumerate(order):
        combination |= masks[code].astype(np.int64) << bit
    found = np.unique(combination)
    lookup = np.empty(int(found.max(initial=0)) + 1, dtype=object)
    for value_ in found:  # one tuple per combination of reasons, shared by every row that has it
        lookup[value_] = tuple(code for bit, code in enumerate(order) if value_ >> bit & 1)
    return lookup[combination]


def severity_of(found, severity: Mapping) -> np.ndarray:
    """The severity of each row's most severe reason (0 when it is not an exception)."""
    first = {codes: severity[codes[0]] if codes else 0 for codes in set(found)}
    return pd.Series(found, dtype=object).map(first).to_numpy(dtype=np.int8)


TIERS = ("for_decision", "watch", "going_well")
"""DESIGN.md §5's tiers, in the order they are read."""
_DECISION = {"red_red", "persistent_red", "red"}
_WATCH = {"amber", "missing", "stale", "context_deterioration", "material_deterioration", "trend_worsening"}


def _tier_of(codes: tuple, rag: str, basis: str, amber_for_decision: Collection[str]) -> str | None:
    found = set(codes)
    worse = "trend_worsening" in found or (
        "material_deterioration" in found and (rag == "red" or basis in amber_for_decision)
    )
    if found & _DECISION or (worse and rag in ("red", "amber")):
        return "for_decision"
    if found & _WATCH or "no_commentary" in found:
        return "watch"
    return "going_well" if "exceeding_target" in found else None


def tier(found, rag, basis=None, amber_for_decision: Collection[str] = BASES) -> np.ndarray:
    """The tier each row's reasons put it in (DESIGN.md §5), None where it is not an exception: *for decision* —
    red, red-red, persistent red, a worsening trend or material deterioration of a red measure, and of an amber
    one on a basis the policy puts up for decision (``amber_for_decision``; ``basis`` is each row's
    :func:`deterioration`, every basis counting when not given); *watch* — amber, missing or stale, a
    deterioration of a green or unrated measure or of an amber one on another basis, a contextual measure
    worsening (and missing commentary, where the policy switches off the amber rule it comes with); *going
    well* — exceeding target."""
    rag = texts(rag)
    basis = np.full(len(rag), BASES[0], dtype=object) if basis is None else texts(basis)
    keys = list(zip(found, rag, basis))
    lookup = {key: _tier_of(*key, amber_for_decision) for key in set(keys)}
    return np.array([lookup[key] for key in keys], dtype=object)
