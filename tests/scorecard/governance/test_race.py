"""Publishing while an ingest commits, many times over: the publication never crashes and never freezes a torn
mix (old figures with revised trends); an ``evaluate`` running at the same time never fails either.

Each round loads a return that changes Sefton's figure for one measure in two quarters at once (the reported
quarter and the one before, which the trend and the series use), with the commit slowed down, while a release
to members of the reported quarter and an ``evaluate`` run in other processes, started at random offsets. The
frozen card, series and comparator members must all show the pair of figures of one data version."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scorecard import SEFTON
from scorecard.governance import publish
from scorecard.ingest import ingest as load_returns
from scorecard.register import Context
from tests.scorecard.ingest._ingest_helpers import QUARTERLY, csv_bytes, row

PROJECT = Path(__file__).resolve().parents[3]
Q, BEFORE = "2025/26 Q2", "2025/26 Q1"
ROUNDS = 6
pytestmark = pytest.mark.slow


def _start(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scorecard", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT), **env},
        cwd=PROJECT,
    )


def _frozen_pair(data_dir) -> tuple[float, float, float, float]:
    """The card's figure for the quarter, and the series' figures for the quarter and the one before, and the
    comparator members' figure for Sefton — as frozen in the current snapshot of the quarter."""
    entry = publish.read_index(data_dir)["periods"][Q]
    card = publish.card_for_group(publish.part(Q, "card", data_dir, entry), None).set_index("measure_id")
    series = publish.part(Q, "series", data_dir, entry)
    series = series[(series["measure_id"] == QUARTERLY) & (series["group"] == "cipfa_nn")].set_index("period_label")
    members = publish.part(Q, "members", data_dir, entry)
    sefton = members[(members["measure_id"] == QUARTERLY) & (members["area_code"] == SEFTON)]
    return (
        float(card.loc[QUARTERLY, "value"]),
        float(series.loc[Q, "value"]),
        float(series.loc[BEFORE, "value"]),
        float(sefton[sefton["group"] == "cipfa_nn"]["value"].item()),
    )


def test_publish_during_ingest_never_tears_or_crashes(data_dir, tmp_path):
    rng = random.Random(20261126)
    start = tmp_path / "real.csv"  # the shipped figures are illustrative, which a release withholds
    start.write_bytes(csv_bytes([row(value="50.0"), row(period=BEFORE, value="55.0")]))
    assert load_returns(Context.of(data_dir), [start], user="race").loaded
    publish.publish(Context.of(data_dir), Q, who="race", release_to_members=True)
    card, now, before, member = _frozen_pair(data_dir)
    pairs = [(now, before)]
    assert card == now == member
    for number in range(ROUNDS):
        new = (60.0 + number, 70.0 + number)  # this round's figures for the quarter and the one before
        path = tmp_path / f"round_{number}.csv"
        path.write_bytes(csv_bytes([row(value=str(new[0])), row(period=BEFORE, value=str(new[1]))]))
        ingest = _start("ingest", str(path), "--data-dir", str(data_dir), SCORECARD_COMMIT_PAUSE="0.05")
        time.sleep(rng.uniform(0.0, 1.5))  # somewhere in its reading, validating or committing
        release = _start(
            "publish", "--period", Q, "--release-to-members", "--user", "race", "--data-dir", str(data_dir)
        )
        evaluate = _start("evaluate", "--period", Q, "--format", "csv", "--data-dir", str(data_dir))
        for name, proc in (("ingest", ingest), ("publish", release), ("evaluate", evaluate)):
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, (number, name, err[-2000:])
            if name == "evaluate":
                assert len(out.splitlines()) == 87, (number, out[-500:])  # a header and 86 measures
        card, now, before, member = _frozen_pair(data_dir)
        assert card == now == member, (number, card, now, member)  # one version in every frozen part
        assert (now, before) in (pairs[-1], new), (number, (now, before), pairs[-1], new)  # never a mix
        pairs.append(new)
