"""Risks beside performance: likelihood × impact, banded by the register's thresholds (15 high, 5 medium)."""

import numpy as np
import pytest

from scorecard.evaluation.judgements import risk


def test_score_is_likelihood_times_impact():
    assert risk.score([4, 1, 5], [5, 1, 3]).tolist() == [20.0, 1.0, 15.0]
    assert np.isnan(risk.score([np.nan], [3])[0])


@pytest.mark.parametrize(
    "score, band", [(25, "high"), (15, "high"), (14, "medium"), (5, "medium"), (4, "low"), (1, "low")]
)
def test_bands_start_at_their_thresholds(score, band):
    assert risk.band([score], high=15, medium=5)[0] == band


def test_other_thresholds_are_honoured_and_codes_run_most_severe_first():
    assert risk.band([12, 12, 3], high=12, medium=3).tolist() == ["high", "high", "medium"]
    assert list(risk.CODES) == ["high", "medium", "low"]
