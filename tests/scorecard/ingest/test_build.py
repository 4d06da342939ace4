"""Integration: the real public extracts built into Parquet and evaluated for Sefton."""

from __future__ import annotations

import csv
import hashlib
import json
import re

import pandas as pd
import pytest

from scorecard.__main__ import main
from scorecard.evaluation import evaluate
from scorecard.governance import audit
from scorecard.ingest import build, sources
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import db, storage

REFERENCE = sources.default_sources_dir().parent / "reference" / "measure_sources.csv"


def _digest(folder):
    return {name: hashlib.sha256(storage.table_path(folder, name).read_bytes()).hexdigest() for name in storage.TABLES}


@pytest.fixture(scope="module")
def sefton(built_data):
    folder, _ = built_data
    db.reset()
    return views.scorecard(Context.of(folder))


def test_build_reports_rows_per_source_and_records_the_load(built_data):
    folder, counts = built_data
    assert counts["dfe-lait/lait_scorecard_subset.csv"] > 10_000
    assert counts["data/returns/illustrative_returns.csv"] > 0
    batches = pd.read_parquet(storage.table_path(folder, "batches"))
    assert batches["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert batches["licence"].notna().all() and batches["publisher"].notna().all()
    log = audit.entries(folder)
    assert log[-1]["action"] == "build-data" and log[-1]["detail"]["rows"] > 0


def test_rebuild_gives_identical_tables(built_data, tmp_path):
    folder, _ = built_data
    build.build(sources_dir=sources.default_sources_dir(), data_dir=tmp_path)
    assert _digest(tmp_path) == _digest(folder)


def test_observations_cover_every_area_the_source_covers(built_data):
    folder, _ = built_data
    obs = pd.read_parquet(storage.table_path(folder, "observations"))
    persistent = obs[obs["measure_id"] == "cyp_persistent_absence_pct"]
    assert persistent["area_code"].nunique() > 150
    assert "E92000001" in set(persistent["area_code"])
    assert (obs.loc[obs["status"] == "suppressed", "value"].isna()).all()
    assert (obs["status"] == "suppressed").sum() > 0
    illustrative = obs[obs["source_id"] == "council_returns"]
    assert set(illustrative["status"]) == {"illustrative"}


def _reference_rows():
    with REFERENCE.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["match"] in ("exact", "proxy")]


def test_every_mapped_measure_has_real_values_with_benchmarks_that_agree_with_the_source(sefton):
    rows = _reference_rows()
    assert len(rows) >= 30
    by_id = sefton.set_index("measure_id")
    for row in rows:
        got = by_id.loc[row["measure_id"]]
        assert got["status"] == "ok", row["measure_id"]
        assert got["data_match"] == row["match"]
        assert got["group_size"] >= 10, row["measure_id"]
        assert pd.notna(got["benchmark_median"]) == (got["unit"] != "count"), row["measure_id"]  # no median of counts
        text = re.match(r"-?[\d,.]+", row["latest_sefton_value"]).group().replace(",", "")
        expected = float(text)
        # a proportion is 0-1; a larger reference value is a percent (the ENV18 recycling row still says
        # "proportion" in its unit column, but its value and notes are the published percentage)
        value = got["value"] / 100 if row["unit"] == "proportion" and expected <= 1 else got["value"]
        decimals = len(text.split(".")[1]) if "." in text else 0  # as precise as the reference states it
        assert round(value, decimals) == pytest.approx(expected), row["measure_id"]


def test_proxies_say_what_they_measure_in_the_output(sefton):
    proxies = sefton[sefton["data_match"] == "proxy"]
    assert len(proxies) >= 15
    assert proxies["proxy_for"].str.len().gt(10).all()
    assert proxies["summary"].str.contains("(proxy", regex=False).all()  # "(proxy)" or "(proxy; shown as a count)"


def test_evaluate_json_has_every_measure_with_the_agreed_keys(built_data, capsys):
    folder, _ = built_data
    db.reset()
    assert main(["evaluate", "--format", "json", "--data-dir", str(folder)]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 86
    for key in (
        "measure_id",
        "theme",
        "value",
        "period_label",
        "status",
        "rag",
        "direction",
        "trend",
        "benchmark_group",
        "benchmark_median",
        "rank",
        "group_size",
        "quartile",
        "summary",
        "exception_reasons",
        "exception_severity",
        "exception_tier",
        "deterioration",
    ):
        assert key in records[0]
    red = [r for r in records if r["rag"] == "red"]
    assert red and all(r["exception_tier"] == "for_decision" and r["exception_severity"] >= 1 for r in red)
    persistent = next(r for r in records if r["measure_id"] == "cyp_persistent_absence_pct")
    assert persistent["period_label"] == "AY 2024/25" and persistent["value"] == pytest.approx(21.02)
    assert persistent["summary"].startswith("Percentage of Children Persistently Absent was 21.0% in AY 2024/25")


def test_evaluate_for_every_area_is_one_set_based_query(built_data):
    folder, _ = built_data
    db.reset()
    frame = evaluate.evaluate(Context.of(folder), "2025/26 Q4", areas=None)
    assert frame["area_code"].nunique() > 300
    assert len(frame) == frame["area_code"].nunique() * 86


def test_missing_sources_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="data-sources folder not found"):
        build.build(sources_dir=tmp_path / "nowhere", data_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()
