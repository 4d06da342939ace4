"""Polarity as a sign: +1 higher is better, −1 lower is better, 0 no judgement (DESIGN.md §4).

A proxy takes the polarity of what it actually measures; the framework's own polarity is kept beside it in
the register (``seed_polarity``) for display, never for judging.
"""

from __future__ import annotations

import numpy as np

from scorecard.evaluation.judgements.arrays import texts

SIGN = {"higher_is_better": 1, "lower_is_better": -1, "no_judgement": 0}


def good_sign(polarity) -> np.ndarray:
    """+1 / −1 / 0 for each polarity (an unknown polarity is an error)."""
    codes = texts(polarity)
    signs, known = np.zeros(len(codes), dtype=np.int8), np.zeros(len(codes), dtype=bool)
    for name, sign in SIGN.items():  # a comparison per code, not a lookup per row
        hit = codes == name
        signs[hit], known = sign, known | hit
    if not known.all():
        bad = np.asarray(polarity, dtype=object)[~known][0]
        raise ValueError(
            f"{f'unknown polarity {bad!r}' if isinstance(bad, str) else 'no polarity'}; expected one of {sorted(SIGN)}"
        )
    return signs
