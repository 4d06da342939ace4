"""The national benchmark at a small size: deterministic generator, engine and pandas baseline agree."""

import hashlib

import pandas as pd
import pytest

from scorecard.bench import baseline, synthetic
from scorecard.bench.__main__ import COMPARED, PEERS, compare, compare_peer, same_run_ab
from scorecard.evaluation import evaluate
from scorecard.register import Context
from scorecard.store import db, storage

SPEC = synthetic.SIZES["test"]


def _generate(folder, seed=2024):
    return synthetic.generate(folder, SPEC["councils"], SPEC["measures"], SPEC["periods"], SPEC["frequency"], seed)


def _digests(folder):
    return {name: hashlib.sha256(storage.table_path(folder, name).read_bytes()).hexdigest() for name in storage.TABLES}


def test_generator_is_seeded_and_deterministic(tmp_path):
    _generate(tmp_path / "a")
    _generate(tmp_path / "b")
    _generate(tmp_path / "c", seed=99)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert _digests(tmp_path / "a")["observations"] != _digests(tmp_path / "c")["observations"]


def test_generated_data_has_gaps_suppression_and_groups_of_fifteen(tmp_path):
    _generate(tmp_path)
    obs = pd.read_parquet(storage.table_path(tmp_path, "observations"))
    full = SPEC["measures"] * (SPEC["councils"] + 1) * SPEC["periods"]
    assert 0.95 * full < len(obs) < full  # about 2% gaps
    assert (obs["status"] == "suppressed").sum() > 0 and obs.loc[obs["status"] == "suppressed", "value"].isna().all()
    groups = pd.read_parquet(storage.table_path(tmp_path, "comparator_groups"))
    assert groups.groupby("area_code").size().eq(synthetic.GROUP_SIZE).all()


@pytest.mark.parametrize("size", ["test", "test-annual"])  # quarterly: no trend test; annual: trends tested
def test_engine_pandas_baseline_and_peers_agree(tmp_path, size):
    spec = synthetic.SIZES[size]
    reg = synthetic.generate(tmp_path, spec["councils"], spec["measures"], spec["periods"], spec["frequency"])
    db.reset()
    engine = evaluate.evaluate(Context.of(tmp_path, reg), "2025/26 Q4", areas=None)
    engine[["measure_id", "area_code", *COMPARED]].to_parquet(tmp_path / "engine_result.parquet")
    obs = pd.read_parquet(storage.table_path(tmp_path, "observations"))
    groups = pd.read_parquet(storage.table_path(tmp_path, "comparator_groups"))
    baseline.evaluate(obs, groups, reg, "2025/26 Q4").to_parquet(tmp_path / "pandas_result.parquet")
    assert compare(tmp_path) == (spec["councils"] + 1) * spec["measures"]
    for name, peer in PEERS.items():  # the polars and naive DuckDB peers: the core fields, every row
        peer(tmp_path, reg, "2025/26 Q4").to_parquet(tmp_path / f"{name}_result.parquet")
        assert compare_peer(tmp_path, name) == (spec["councils"] + 1) * spec["measures"]
    broken = pd.read_parquet(tmp_path / "polars_result.parquet")
    broken.loc[broken["rank"].notna().idxmax(), "rank"] += 1
    broken.to_parquet(tmp_path / "polars_result.parquet")
    with pytest.raises(AssertionError, match="rank"):
        compare_peer(tmp_path, "polars")
    trends = pd.read_parquet(tmp_path / "engine_result.parquet")["trend"]
    if spec["frequency"] == "financial_year":  # the trend test ran, and found trends both ways
        assert trends.isin(["increasing_getting_better", "decreasing_getting_worse"]).any()
        assert (trends == "no_significant_change").any()
    else:
        assert (trends == "not_applied").all()
    # the comparison can fail: corrupt one judgement and it must notice
    broken = pd.read_parquet(tmp_path / "pandas_result.parquet")
    broken.loc[broken.index[0], "rag"] = "purple"
    broken.to_parquet(tmp_path / "pandas_result.parquet")
    try:
        compare(tmp_path)
    except AssertionError as err:
        assert "rag" in str(err)
    else:
        raise AssertionError("a changed judgement was not detected")


@pytest.mark.parametrize("period", ["2025/26 Q4", "2025/26 Q1"])  # the latest quarter, and one with 3 after it
def test_chunked_evaluation_matches_one_query_and_one_council(tmp_path, monkeypatch, period):
    reg = _generate(tmp_path)
    db.reset()
    whole = evaluate.evaluate(Context.of(tmp_path, reg), period, areas=None)
    assert (whole["period_label"].dropna() <= period).all() and (whole["period_label"] == period).mean() > 0.9
    monkeypatch.setattr(evaluate, "CHUNK_AREAS", 7)  # 41 areas: 6 queries instead of 1
    chunked = evaluate.evaluate(Context.of(tmp_path, reg), period, areas=None)
    pd.testing.assert_frame_equal(chunked, whole)
    area = synthetic.council_codes(SPEC["councils"])[5]
    one = evaluate.evaluate(Context.of(tmp_path, reg), period, areas=[area])
    pd.testing.assert_frame_equal(one, whole[whole["area_code"] == area].reset_index(drop=True))


def test_same_run_ab_times_the_pinned_engine_and_this_tree_on_the_same_data(tmp_path):
    spec = synthetic.SIZES["test"]
    synthetic.generate(tmp_path / "test", spec["councils"], spec["measures"], spec["periods"], spec["frequency"])
    pinned, ours = same_run_ab("test", str(tmp_path), rounds=1)
    assert len(pinned) == len(ours) == 1 and min(pinned + ours) > 0
    # the pinned commit's own engine read this tree's data and judged every council x measure
    older = pd.read_parquet(tmp_path / "test" / "engine_result.parquet")
    assert len(older) == (spec["councils"] + 1) * spec["measures"] and older["value"].notna().any()
