"""Limits that hold before work is done, and inputs that look odd but are faithful: a zip bomb refused from its
zip directory, a sheet's cells counted, "did you mean" worked out once per distinct id, formulas with saved
values and multi-line notes accepted, rejected text neutralised in the quarantine file, and build-data held to
the same rules as an ingest."""

from __future__ import annotations

import difflib
import re
import time

import pandas as pd
import pytest
import xlsxwriter
from _ingest_helpers import HEADER, QUARTERLY, csv_bytes, row
from test_bad_files import _rezip, _xlsx_with, _zip_bomb

from scorecard import ENGLAND, SEFTON
from scorecard.ingest import build, ingest, load, reader, sources
from scorecard.register import Context
from scorecard.store import storage


def _current(data_dir, measure=QUARTERLY, period="2025/26 Q2"):
    obs = pd.read_parquet(storage.table_path(data_dir, "observations"))
    return obs[(obs.measure_id == measure) & (obs.area_code == SEFTON) & (obs.period_label == period)].iloc[0]


def test_a_zip_bomb_is_refused_from_its_directory_in_well_under_a_second(tmp_path):
    path = tmp_path / "bomb.xlsx"
    _zip_bomb(path, megabytes=400)
    assert path.stat().st_size < 1_500_000  # a small upload...
    started = time.perf_counter()
    with pytest.raises(reader.FileProblem, match=r"unpacks to \d{3} MB"):  # ...that unpacks to 400 MB
        reader.read(path)
    assert time.perf_counter() - started < 1.0


def test_a_workbook_no_return_needs_is_refused_in_under_a_second(tmp_path):
    """The red team's 276 KB workbook unpacking to 63 MB held a CPU for 21-28 s under the old 100 MB limit;
    a return is kilobytes, and the largest real one reads well inside the limit."""
    path = tmp_path / "wide.xlsx"
    _zip_bomb(path, megabytes=63)
    started = time.perf_counter()
    with pytest.raises(reader.FileProblem, match=r"unpacks to 6\d MB .* more than the 4 MB"):
        reader.read(path)
    assert time.perf_counter() - started < 1.0
    shipped = tmp_path / "returns.xlsx"
    frame = pd.read_csv(storage.PROJECT_DIR / "data" / "returns" / "illustrative_returns.csv", dtype=str)
    with pd.ExcelWriter(shipped, engine="xlsxwriter") as excel:
        frame.to_excel(excel, sheet_name="figures", index=False)
    assert len(reader.read(shipped).rows) == len(frame)


def test_cells_are_counted_when_the_declared_dimension_lies(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_XLSX_CELLS", 20)
    path = tmp_path / "many.xlsx"
    rows = [row(period=f"{y}/{(y + 1) % 100:02d} Q1") for y in range(2015, 2020)]  # 48 cells, declared as 1
    _rezip(
        _xlsx_with(rows),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', xml),
    )(path)
    with pytest.raises(reader.FileProblem, match="more than 20 cells"):
        reader.read(path)


def test_did_you_mean_is_worked_out_once_per_distinct_id(data_dir, tmp_path, spy):
    calls = spy(difflib, "get_close_matches")
    typos = ["asc_msp_outcome_met_pct", "asc_agency_worker_pct", "nonsense"]
    rows = [f"{typos[n % 3]},E08000014,2025/26 Q{n % 2 + 1},{n % 90}" for n in range(30_000)]
    path = tmp_path / "typos.csv"
    path.write_text("measure_id,area_code,period,value\n" + "\n".join(rows) + "\n")
    started = time.perf_counter()
    result = ingest(Context.of(data_dir), [path], dry_run=True)
    assert time.perf_counter() - started < 20
    assert sorted(calls) == sorted(typos)
    assert result.files[0].rows_rejected == 30_000
    assert "did you mean 'asc_msp_outcomes_met_pct'" in str(result.files[0].errors[0])


def test_a_formula_with_its_saved_value_loads(data_dir, tmp_path):
    path = tmp_path / "saved.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("figures")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, [QUARTERLY, SEFTON, "2025/26 Q2"])
    sheet.write_formula(1, 3, "=90+3.5", None, 93.5)  # Excel saves the value beside the formula
    book.close()
    assert ingest(Context.of(data_dir), [path]).loaded
    assert _current(data_dir)["value"] == 93.5


def test_a_note_written_on_two_lines_and_an_empty_hidden_row_load(data_dir, tmp_path):
    ctx = Context.of(data_dir)
    path = tmp_path / "notes.csv"
    path.write_bytes(
        csv_bytes([row(note="Staff shortage.\nRecovery plan agreed, reviewed monthly."), row(period="2025/26 Q1")])
    )
    assert ingest(ctx, [path]).loaded
    workbook = tmp_path / "hidden_empty.xlsx"
    _xlsx_with([row(value="91")], lambda book, sheet: setattr(sheet.row_dimensions[5], "hidden", True))(workbook)
    assert ingest(ctx, [workbook]).loaded  # a hidden row with nothing in it hides nothing


def test_hidden_rows_are_quarantined_under_allow_partial(data_dir, tmp_path):
    path = tmp_path / "partly_hidden.xlsx"
    _xlsx_with(
        [row(value="91"), row(period="2025/26 Q1", value="77")],
        lambda book, sheet: setattr(sheet.row_dimensions[3], "hidden", True),
    )(path)
    result = ingest(Context.of(data_dir), [path], allow_partial=True)
    assert result.loaded and result.files[0].rows_rejected == 1
    assert _current(data_dir)["value"] == 91
    assert _current(data_dir, period="2025/26 Q1")["value"] != 77
    quarantined = pd.read_csv(result.files[0].quarantine, dtype=str)
    assert quarantined["row"].tolist() == ["3"] and "hidden in Excel" in quarantined["errors"][0]


def test_rejected_text_is_neutralised_in_the_quarantine_file_and_notes_lose_control_characters(data_dir, tmp_path):
    path = tmp_path / "hostile.csv"
    path.write_bytes(
        csv_bytes(
            [
                row(value="91", note="Alt+Enter\x0bin Excel"),
                row(measure_id='=HYPERLINK("http://evil.example","x")', note="@SUM(1+1)"),
            ]
        )
    )
    result = ingest(Context.of(data_dir), [path], allow_partial=True)
    assert result.loaded
    text = open(result.files[0].quarantine, encoding="utf-8").read()
    assert "'=HYPERLINK(" in text and "'@SUM(1+1)" in text
    assert ",=" not in text and ",@" not in text
    [accepted] = list((data_dir / "accepted").glob("*.parquet"))
    assert pd.read_parquet(accepted)["note"].tolist() == ["Alt+Enter in Excel"]


@pytest.fixture
def sources_with(tmp_path):
    """A private data-sources folder (the real extracts linked in) and a returns folder to put files in."""
    real = sources.default_sources_dir()
    if not real.is_dir():
        pytest.skip("public extracts not found")
    returns = tmp_path / "returns"
    returns.mkdir()
    return real, returns


def test_build_data_refuses_a_shipped_return_the_ingest_would_refuse(sources_with, tmp_path):
    source_dir, returns = sources_with
    (returns / "england.csv").write_bytes(csv_bytes([row(area_code=ENGLAND, value="55")]))
    out = tmp_path / "out"
    with pytest.raises(ValueError, match=r"data/returns/england.csv, row 2, column 'area_code': error: a return"):
        build.build(sources_dir=source_dir, data_dir=out, returns_dir=returns)
    assert not out.exists() or not list(out.iterdir())


def test_build_data_reads_returns_as_an_ingest_does(sources_with, tmp_path):
    """The same return, shipped in data/returns or loaded by ingest, gives the same observations."""
    source_dir, returns = sources_with
    (returns / "counts.csv").write_bytes(
        csv_bytes(
            [row(measure_id="asc_assistive_tech_telecare_clients", value="1234", period="2025/26 Q2", status="ok")]
        )
    )
    shipped = tmp_path / "shipped"
    build.build(sources_dir=source_dir, data_dir=shipped, returns_dir=returns)
    (returns / "counts.csv").rename(tmp_path / "counts.csv")
    loaded = tmp_path / "loaded"
    build.build(sources_dir=source_dir, data_dir=loaded, returns_dir=returns)
    assert ingest(Context.of(loaded), [tmp_path / "counts.csv"]).loaded
    columns = ["value", "lower_ci", "upper_ci", "status", "period_start", "period_end"]
    a = _current(shipped, "asc_assistive_tech_telecare_clients")[columns]
    b = _current(loaded, "asc_assistive_tech_telecare_clients")[columns]
    assert a.tolist() == b.tolist() and a["lower_ci"] < 1234 < a["upper_ci"]


def test_a_rebuild_leaves_out_accepted_rows_the_register_no_longer_allows(data_dir, tmp_path, real_register):
    original = pd.read_parquet(storage.table_path(data_dir, "observations"))
    path = tmp_path / "q2.csv"
    path.write_bytes(csv_bytes([row(value="91.5")]))
    assert ingest(Context.of(data_dir), [path]).loaded
    reg = real_register.model_copy(deep=True)
    reg.measure(QUARTERLY).source.return_areas = [ENGLAND]  # Sefton's figures no longer from returns
    messages = []
    kept, _, _ = load.reapply_accepted(data_dir, original, set(), real_register)
    left, _, _ = load.reapply_accepted(data_dir, original, set(), reg, messages.append)

    def q2(frame):
        hit = (frame.measure_id == QUARTERLY) & (frame.area_code == SEFTON) & (frame.period_label == "2025/26 Q2")
        return frame.loc[hit, "value"].item()

    assert q2(kept) == 91.5 and q2(left) == q2(original) != 91.5
    assert any("1 rows left out" in m for m in messages)
