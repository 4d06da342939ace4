"""Crash safety: an ingest killed (SIGKILL) at any point of its commit leaves the previous data readable
and unchanged, or — once the journal is rolled forward — exactly the new version. Never a mix."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from _ingest_helpers import QUARTERLY, csv_bytes, digest, row

from scorecard import SEFTON
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import db, storage

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[3]


def _start(path: Path, data_dir: Path, **env) -> subprocess.Popen:
    environ = {**os.environ, "PYTHONPATH": str(PROJECT), **env}
    return subprocess.Popen(
        [sys.executable, "-m", "scorecard", "ingest", str(path), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environ,
        cwd=PROJECT,
    )


def _tables(data_dir: Path) -> dict[str, str]:
    return digest(data_dir)  # the audit log and version file too: they change in the same commit


def _check(data_dir: Path, before: dict[str, str], path: Path, value: float) -> str:
    """After a kill: each table file is whole; after recovery the folder is all-old or all-new."""
    for name in (*storage.TABLES, storage.HISTORY):
        pd.read_parquet(storage.table_path(data_dir, name))  # never a torn file, even before recovery
    was_mid_commit = (data_dir / storage.JOURNAL).exists()
    storage.recover(data_dir, sweep=True)
    assert not (data_dir / storage.JOURNAL).exists() and not list(data_dir.rglob(".*.tmp"))
    batch_id = f"b{storage.sha256(path)[:12]}"
    obs = pd.read_parquet(storage.table_path(data_dir, "observations"))
    current = obs[(obs.measure_id == QUARTERLY) & (obs.area_code == SEFTON) & (obs.period_label == "2025/26 Q2")]
    batches = pd.read_parquet(storage.table_path(data_dir, "batches"))
    if _tables(data_dir) == before:
        state = "old"
    else:
        assert current["value"].tolist() == [value] and current["batch_id"].tolist() == [batch_id]
        assert batch_id in set(batches["batch_id"])
        assert list((data_dir / "accepted").glob(f"*_{batch_id}.parquet"))
        assert batch_id in set(pd.read_parquet(storage.table_path(data_dir, storage.HISTORY))["superseded_by"])
        state = "new"
    assert not obs.duplicated(["measure_id", "area_code", "period_end"]).any()
    db.reset()
    assert len(views.scorecard(Context.of(data_dir), period="2025/26 Q2")) > 0
    return f"{state}{' (rolled forward)' if was_mid_commit else ''}"


@pytest.mark.parametrize("crash_at", ["staged", "0", "2", "5"])
def test_killed_at_each_commit_step(crash_at, data_dir, tmp_path):
    path = tmp_path / f"q2_{crash_at}.csv"
    value = 80.0 + len(crash_at)
    path.write_bytes(csv_bytes([row(value=str(value))]))
    before = _tables(data_dir)
    proc = _start(path, data_dir, SCORECARD_COMMIT_CRASH_AT=crash_at)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    state = _check(data_dir, before, path, value)
    assert state == ("old" if crash_at == "staged" else "new (rolled forward)")
    if crash_at != "staged":
        return
    # the killed load wrote nothing: loading the file again completes normally
    again = _start(path, data_dir)
    out, _ = again.communicate(timeout=60)
    assert again.returncode == 0, out
    assert _check(data_dir, before, path, value) == "new"


def test_killed_at_random_times(data_dir, tmp_path):
    rng = random.Random(20251124)
    seen = []
    for attempt in range(2):
        path = tmp_path / f"random_{attempt}.csv"
        value = 70.0 + attempt
        path.write_bytes(csv_bytes([row(value=str(value))]))
        before = _tables(data_dir)
        proc = _start(path, data_dir, SCORECARD_COMMIT_PAUSE="0.1")
        for line in proc.stdout:  # wait until it starts writing, then kill somewhere in the commit
            if line.startswith("writing"):
                break
        time.sleep(rng.uniform(0.0, 0.8))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        seen.append(_check(data_dir, before, path, value))
    assert all(s.split()[0] in ("old", "new") for s in seen)
