"""Property-based: whatever the rows, the validator never crashes, and every row is accepted, skipped as
blank, or rejected with errors naming that row."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from _ingest_helpers import COUNT, MONTHLY, QUARTERLY, YEARLY, csv_bytes
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scorecard.ingest import conversation, load, reader, validate
from scorecard.store import text

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


# ---- every reader of returns (#24): raw bytes, workbooks and the conversation kinds ----------------------

TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from(["\u202e", "\u0085", "\u009b", "\u200b"]),
    max_size=30,
)
PLAUSIBLE = {  # valid values, so that rows are accepted as well as refused (at 15 January 2026)
    "measure_id": [QUARTERLY, COUNT],
    "action_id": ["cyp_pa_csc_improvement_priorities", "asc_pa_workforce"],
    "service_line": ["strategic_management", "adult_social_care"],
    "risk_id": ["ILLUS-01", "CRR-07"],
    "linked_measures": [QUARTERLY],
    "period": ["2025/26 Q2", "2025/26 Q3"],
    "financial_year": ["2026/27", "2027/28"],
    "target": ["50", "75.5"],
    "status": ["RED", "BLUE", "green"],
    "percent_complete": ["50", "100"],
    "budget": ["4.009", "120"],
    "forecast_outturn": ["4.2", "0"],
    "likelihood": ["1", "5"],
    "impact": ["3", "4"],
    "illustrative": ["yes", "no"],
    **dict.fromkeys(["narrative", "title", "rationale", "owner_role", "mitigation"], ["Fine.", "Worse than planned."]),
}
HOSTILE = ["1e308", "-1e308", "inf", "121738000", "50%", "101", "A\u202eB", " \u200b ", "\u0085", "yesterday", "maybe"]
CELL = st.one_of(NUMBERS, TEXT, st.sampled_from(HOSTILE))


@settings(max_examples=200, deadline=None)
@given(payload=st.binary(max_size=2_000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_bytes_are_read_or_refused_with_the_file_named(payload, suffix, tmp_path_factory):
    path = tmp_path_factory.mktemp("raw") / f"raw{suffix}"
    path.write_bytes(payload)
    try:
        reader.read(path)
    except reader.FileProblem as err:
        assert str(err).startswith("raw")


def _conversation_rows(draw, kind: str) -> list[dict]:
    """One to six rows of a return of ``kind``: each row plausible but for up to two hostile cells."""
    required, optional, _ = reader.KIND_COLUMNS[kind]
    columns = [*required, *draw(st.lists(st.sampled_from(optional), unique=True, max_size=len(optional)))]
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        hostile = draw(st.lists(st.sampled_from(columns), unique=True, max_size=2))
        rows.append({c: draw(CELL if c in hostile else st.sampled_from(PLAUSIBLE.get(c, [""]))) for c in columns})
    return rows


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), kind=st.sampled_from(["commentary", "actions", "targets", "finance", "risks"]))
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_conversation_return_never_crashes_and_what_it_accepts_is_clean(data, kind, suffix, ctx, tmp_path):
    """Whatever the cells: a report (never an exception) whose issues name the file; no accepted text holds a
    control or bidirectional character; every accepted number is finite, and £m figures within bounds."""
    rows = _conversation_rows(data.draw, kind)
    path = tmp_path / f"{kind}{suffix}"
    frame = pd.DataFrame(rows)
    if suffix == ".csv":
        path.write_bytes(csv_bytes(rows, header=list(frame.columns)))
    else:
        with pd.ExcelWriter(path, engine="xlsxwriter") as excel:
            frame.to_excel(excel, sheet_name=kind, index=False)
    report = load.check_file(path, ctx)
    event(f"{kind}: rows accepted" if report.rows_accepted else f"{kind}: none accepted")
    assert all(issue.file == path.name and issue.message for issue in report.issues)
    accepted = report.accepted if report.accepted is not None else pd.DataFrame()
    for column in accepted.columns:
        for value in accepted[column]:
            if isinstance(value, str):
                assert not text.CONTROL.search(value), (kind, column, value)
            elif isinstance(value, float):
                assert math.isfinite(value) or math.isnan(value), (kind, column, value)
                if column in ("budget", "forecast_outturn", "variance"):
                    assert abs(value) <= conversation.MAX_MONEY, (column, value)
