"""Property-based: whatever the rows, the validator never crashes, and every row is accepted, skipped as
blank, or rejected with errors naming that row."""

from __future__ import annotations

from datetime import date

import pytest
from _ingest_helpers import COUNT, MONTHLY, QUARTERLY, YEARLY, csv_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorecard.ingest import load, reader, validate

MEASURES = st.one_of(st.sampled_from([QUARTERLY, COUNT, YEARLY, MONTHLY, "", "nope"]), st.text(max_size=12))
PERIODS = st.one_of(
    st.sampled_from(
        ["2025/26 Q2", "2024/25", "Jan 2025", "AY 2023/24", "2030/31 Q1", "", "2025/26 Q5", "2025", "30 Sep 2024"]
    ),
    st.text(max_size=12),
)
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["", "c", "x", "..", "-", "45%", "1,234", "1e400", "0x10", "١٢", "1_000", " 7 "]),
    st.text(max_size=8),
)
ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "measure_id": MEASURES,
            "area_code": st.sampled_from(["", "E08000014", "E92000001", "E99", "x"]),
            "period": PERIODS,
            "value": NUMBERS,
            "numerator": NUMBERS,
            "denominator": NUMBERS,
            "status": st.one_of(
                st.sampled_from(["", "ok", "provisional", "suppressed", "c", "revised"]), st.text(max_size=6)
            ),
            "note": st.text(max_size=20),
        }
    ),
    min_size=1,
    max_size=25,
)


@pytest.fixture(scope="module")
def ctx(built_data, real_register):
    return load.context_for(built_data[0], real_register, today=date(2026, 1, 15))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_validator_never_crashes_and_names_rejected_rows(rows, ctx, tmp_path):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(csv_bytes(rows))
    try:
        table = reader.read_csv(path)
    except reader.FileProblem as err:  # e.g. every row blank, or a stray NUL from st.text
        assert str(err).startswith("fuzz.csv")
        return
    checked = validate.validate(table, ctx)
    rows_with_errors = {i.row for i in checked.errors if i.row is not None}
    assert set(checked.rejected) == rows_with_errors
    assert len(checked.rows) + len(checked.rejected) + checked.skipped_blank == len(table.rows)
    assert all(i.file == "fuzz.csv" and i.message for i in checked.issues)
    if len(checked.rows):
        assert checked.rows["period_end"].map(lambda d: d <= date(2026, 1, 15)).all()
        percent = checked.rows[checked.rows["measure_id"] == QUARTERLY]["value"].dropna()
        assert percent.between(0, 100).all()
