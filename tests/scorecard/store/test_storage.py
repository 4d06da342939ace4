"""The storage keys and the derived ``period_values`` table that the evaluation query relies on."""

from __future__ import annotations

import pandas as pd
import pytest

from scorecard.store import db, storage

AREAS = pd.DataFrame({"code": ["E08000014", "E06000001", "E92000001"], "name": ["S", "H", "E"], "type": "x"})


def _obs(measure, area, year, value):
    return {
        "measure_id": measure,
        "area_code": area,
        "period_kind": "financial_year",
        "period_label": f"{year}",
        "period_start": pd.Timestamp(year, 4, 1),
        "period_end": pd.Timestamp(year + 1, 3, 31),
        "period_seq": year,
        "value": value,
        "numerator": None,
        "denominator": None,
        "lower_ci": None,
        "upper_ci": None,
        "status": "ok" if value is not None else "suppressed",
        "source_id": "s",
        "batch_id": "b",
    }


ROWS = [  # deliberately out of storage order, with a gap (2022) and a suppressed value
    _obs("m2", "E08000014", 2023, 5.0),
    _obs("m1", "E08000014", 2021, 1.0),
    _obs("m1", "E08000014", 2023, 3.0),
    _obs("m1", "E06000001", 2021, 7.0),
    _obs("m1", "E08000014", 2020, None),
    _obs("m2", "E06000001", 2023, 8.0),
]


def test_keyed_areas_number_areas_in_code_order():
    keyed = storage.keyed_areas(AREAS)
    assert list(keyed["code"]) == ["E06000001", "E08000014", "E92000001"]
    assert list(keyed["area_key"]) == [0, 1, 2]


def test_keyed_observations_count_each_row_back_from_the_latest_of_its_series():
    keyed = storage.keyed_observations(pd.DataFrame(ROWS), storage.keyed_areas(AREAS))
    got = [(r.area_code, r.measure_id, r.period_seq, r.area_key, r.measure_key, r.recency) for r in keyed.itertuples()]
    assert got == [
        ("E06000001", "m1", 2021, 0, 0, 1),
        ("E06000001", "m2", 2023, 0, 1, 1),
        ("E08000014", "m1", 2020, 1, 0, 3),
        ("E08000014", "m1", 2021, 1, 0, 2),
        ("E08000014", "m1", 2023, 1, 0, 1),
        ("E08000014", "m2", 2023, 1, 1, 1),
    ]


def test_an_area_missing_from_the_areas_table_is_named():
    with pytest.raises(ValueError, match="E09000001"):
        storage.keyed_observations(pd.DataFrame([_obs("m1", "E09000001", 2021, 1.0)]), storage.keyed_areas(AREAS))


def test_write_tables_derives_period_values_in_the_same_commit(tmp_path):
    storage.write_tables(tmp_path, {"areas": AREAS, "observations": pd.DataFrame(ROWS)})
    observations = pd.read_parquet(storage.table_path(tmp_path, "observations"))
    values = pd.read_parquet(storage.table_path(tmp_path, "period_values"))
    expected = (
        observations.loc[
            observations["value"].notna(), ["period_end", "area_key", "measure_key", "value", "denominator"]
        ]
        .sort_values(["period_end", "area_key", "measure_key"])
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(values, expected, check_dtype=False)
    assert not list(tmp_path.glob(".*"))  # no temporary file or spill folder left behind


def test_an_ingest_without_areas_keys_against_the_stored_areas(tmp_path):
    storage.write_tables(tmp_path, {"areas": AREAS, "observations": pd.DataFrame(ROWS[:2])})
    storage.write_tables(tmp_path, {"observations": pd.DataFrame(ROWS)})
    observations = pd.read_parquet(storage.table_path(tmp_path, "observations"))
    assert set(zip(observations["area_code"], observations["area_key"])) == {("E06000001", 0), ("E08000014", 1)}


def test_a_connection_sees_tables_replaced_by_another_writer(tmp_path):
    storage.write_tables(
        tmp_path,
        {
            "areas": AREAS,
            "observations": pd.DataFrame(ROWS[:2]),
            "targets": pd.DataFrame({"measure_id": ["m1"]}),
            "comparator_groups": pd.DataFrame({"group_id": ["g"]}),
            "batches": pd.DataFrame({"batch_id": ["b"]}),
        },
    )
    db.reset()
    assert db.connect(tmp_path).execute("SELECT count(*) FROM observations").fetchone() == (2,)
    storage.write_tables(tmp_path, {"observations": pd.DataFrame(ROWS)})  # no db.reset(): as from another process
    assert db.connect(tmp_path).execute("SELECT count(*) FROM period_values").fetchone() == (5,)
    db.reset()


def test_a_folder_built_before_period_values_held_denominators_still_opens(tmp_path):
    """``period_values.denominator`` (for counts compared as rates) is read as NULL from a folder written before
    it, until the next build or load rewrites the table: every query that names it still runs."""
    import pyarrow.parquet as pq

    tables = {
        "areas": AREAS,
        "observations": pd.DataFrame(ROWS),
        "targets": pd.DataFrame({"measure_id": ["m1"]}),
        "comparator_groups": pd.DataFrame({"group_id": ["g"]}),
        "batches": pd.DataFrame({"batch_id": ["b"]}),
    }
    storage.write_tables(tmp_path, tables)
    path = storage.table_path(tmp_path, "period_values")
    pq.write_table(pq.read_table(path).drop_columns(["denominator"]), path)  # as an older build wrote it
    db.reset()
    held = db.connect(tmp_path).execute("SELECT count(*), count(denominator) FROM period_values").fetchone()
    assert held == (5, 0)
    storage.write_tables(tmp_path, {"observations": pd.DataFrame(ROWS)})
    db.reset()
    assert "denominator" in pq.read_schema(path).names
