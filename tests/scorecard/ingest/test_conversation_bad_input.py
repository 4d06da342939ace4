"""Bad commentary, actions and targets returns: each a clear error naming file, sheet, row and column, and
nothing loaded — ``data/`` byte-identical. Hostile text that is only text (HTML, links) is not an error: it is
stored as written and always shown literally (tests/app, tests/browser)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from _ingest_helpers import QUARTERLY, csv_bytes, digest

from scorecard.ingest import ingest
from scorecard.register import Context
from scorecard.store import ledger

COMMENTARY = ["measure_id", "period", "narrative", "corrective_action", "action_owner", "due_date"]
ACTIONS = ["action_id", "period", "status", "percent_complete", "narrative"]
TARGETS = ["measure_id", "financial_year", "target", "basis", "tolerance", "rationale", "approved_by", "approved_on"]
FINANCE = ["service_line", "period", "budget", "forecast_outturn", "commentary", "reference"]
CONTEXTUAL = "cyp_assessments_exploitation_pct"


def _commentary(**fields) -> dict:
    return {"measure_id": QUARTERLY, "period": "2025/26 Q3", "narrative": "Fell after a staffing gap."} | fields


def _action(**fields) -> dict:
    base = {"action_id": "asc_pa_workforce", "period": "2025/26 Q3", "status": "GREEN", "percent_complete": "50"}
    return base | {"narrative": "On plan."} | fields


def _target(**fields) -> dict:
    base = {"measure_id": QUARTERLY, "financial_year": "2026/27", "target": "92", "tolerance": "2"}
    return base | {"rationale": "Agreed with the service"} | fields


def _finance(**fields) -> dict:
    base = {"service_line": "adult_social_care", "period": "2025/26 Q3", "budget": "121.738"}
    return base | {"forecast_outturn": "123.738", "commentary": "", "reference": "test"} | fields


def _csv(rows, header):
    return lambda path: path.write_bytes(csv_bytes(rows, header=header))


def _xlsx(sheet: str, rows: list[dict], header: list[str]):
    def write(path: Path) -> None:
        book = openpyxl.Workbook()
        ws = book.active
        ws.title = sheet
        ws.append(header)
        for record in rows:
            ws.append([record.get(c) for c in header])
        book.save(path)

    return write


# name: (file, writer, words in the error, (sheet, row, column) of the error or None for a file-level one)
CASES = {
    "over-long narrative": (
        "long.xlsx",
        _xlsx("commentary", [_commentary(), _commentary(period="2025/26 Q2", narrative="x" * 4001)], COMMENTARY),
        "4,001 characters long; at most 4,000",
        ("commentary", 3, "narrative"),
    ),
    "over-long corrective action": (
        "long2.csv",
        _csv([_commentary(corrective_action="y" * 2001)], COMMENTARY),
        "at most 2,000",
        (None, 2, "corrective_action"),
    ),
    "unknown measure in commentary": (
        "measure.csv",
        _csv([_commentary(measure_id="asc_msp_outcome_met_pct")], COMMENTARY),
        "unknown measure 'asc_msp_outcome_met_pct' (did you mean 'asc_msp_outcomes_met_pct'?)",
        (None, 2, "measure_id"),
    ),
    "unknown action id": (
        "action.xlsx",
        _xlsx("actions", [_action(action_id="asc_pa_workforse")], ACTIONS),
        "unknown priority action 'asc_pa_workforse' (did you mean 'asc_pa_workforce'?)",
        ("actions", 2, "action_id"),
    ),
    "percent above 100": (
        "pct.csv",
        _csv([_action(percent_complete="120")], ACTIONS),
        "120 is outside 0–100",
        (None, 2, "percent_complete"),
    ),
    "percent below 0": (
        "pct2.csv",
        _csv([_action(percent_complete="-5")], ACTIONS),
        "-5 is outside 0–100",
        (None, 2, "percent_complete"),
    ),
    "percent not a number": (
        "pct3.csv",
        _csv([_action(percent_complete="half")], ACTIONS),
        "expected a number from 0 to 100, got 'half'",
        (None, 2, "percent_complete"),
    ),
    "unknown status": (
        "status.csv",
        _csv([_action(status="PURPLE")], ACTIONS),
        "'PURPLE' is not a status; expected one of RED, AMBER, GREEN, BLUE, NEW",
        (None, 2, "status"),
    ),
    "unparsable due date": (
        "due.xlsx",
        _xlsx("commentary", [_commentary(due_date="next spring")], COMMENTARY),
        "'next spring' is not a date",
        ("commentary", 2, "due_date"),
    ),
    "unparsable approval date": (
        "approved.csv",
        _csv([_target(approved_by="Cabinet", approved_on="31/02/2026")], TARGETS),
        "'31/02/2026' is not a date",
        (None, 2, "approved_on"),
    ),
    "target for a contextual indicator": (
        "contextual.xlsx",
        _xlsx("targets", [_target(), _target(measure_id=CONTEXTUAL)], TARGETS),
        "contextual indicators are never target-set",
        ("targets", 3, "measure_id"),
    ),
    "target not a number": (
        "tnum.csv",
        _csv([_target(target="high")], TARGETS),
        "expected a number, got 'high'",
        (None, 2, "target"),
    ),
    "target outside 0-100 for a percentage": (
        "t101.csv",
        _csv([_target(target="101")], TARGETS),
        "outside 0–100",
        (None, 2, "target"),
    ),
    "value given for a derived basis": (
        "basis.csv",
        _csv([_target(basis="cipfa_median")], TARGETS),
        "derived from the benchmark; leave the target blank",
        (None, 2, "target"),
    ),
    "unknown basis": (
        "basis2.csv",
        _csv([_target(target="", basis="gut feel")], TARGETS),
        "is not a basis",
        (None, 2, "basis"),
    ),
    "quarter as a financial year": (
        "year.csv",
        _csv([_target(financial_year="2026/27 Q1")], TARGETS),
        "is not a financial year",
        (None, 2, "financial_year"),
    ),
    "approved by without a date": (
        "approval.csv",
        _csv([_target(approved_by="Cabinet")], TARGETS),
        "both or neither",
        (None, 2, "approved_on"),
    ),
    "negative tolerance": (
        "tol.csv",
        _csv([_target(tolerance="-1")], TARGETS),
        "expected a number of 0 or more",
        (None, 2, "tolerance"),
    ),
    "month as a commentary period": (
        "month.csv",
        _csv([_commentary(period="Jan 2026")], COMMENTARY),
        "not a reporting quarter",
        (None, 2, "period"),
    ),
    "commentary for a quarter not yet started": (
        "future.csv",
        _csv([_commentary(period="2030/31 Q1")], COMMENTARY),
        "has not started yet",
        (None, 2, "period"),
    ),
    "duplicate commentary rows": (
        "dupe.csv",
        _csv([_commentary(), _commentary(narrative="Again.")], COMMENTARY),
        "already given in row 2",
        (None, 3, "period"),
    ),
    "no narrative in an action update": (
        "nonarr.csv",
        _csv([_action(narrative="")], ACTIONS),
        "no narrative",
        (None, 2, "narrative"),
    ),
    "a control character in the text": (
        "ctrl.csv",
        _csv([_commentary(narrative="bell \x07 here")], COMMENTARY),
        "control or text-direction character (U+0007)",
        (None, 2, "narrative"),
    ),
    "a cell longer than the CSV reader's limit (#24: a traceback)": (
        "huge_cell.csv",
        _csv([_commentary(narrative="x" * 140_000)], COMMENTARY),
        "a value is longer than 131,072 characters",
        None,
    ),
    "a right-to-left override in the text (#24)": (
        "bidi.csv",
        _csv([_commentary(narrative="paid \u202egnp.exe")], COMMENTARY),
        "control or text-direction character (U+202E)",
        (None, 2, "narrative"),
    ),
    "a C1 control in the text (#24)": (
        "c1.csv",
        _csv([_commentary(corrective_action="review \x9b now")], COMMENTARY),
        "control or text-direction character (U+009B)",
        (None, 2, "corrective_action"),
    ),
    "a narrative of zero-width spaces (#24)": (
        "zwsp.csv",
        _csv([_commentary(narrative="\u200b\u200b \u200b")], COMMENTARY),
        "no narrative",
        (None, 2, "narrative"),
    ),
    "a budget of 1e308 (#24)": (
        "huge.csv",
        _csv([_finance(budget="1e308", forecast_outturn="-1e308")], FINANCE),
        "is not plausible for one service line",
        (None, 2, "budget"),
    ),
    "a budget in pounds, not £ million (#24)": (
        "pounds.csv",
        _csv([_finance(budget="121738000", forecast_outturn="121738000")], FINANCE),
        "write £121,738,000 as 121.738",
        (None, 2, "budget"),
    ),
    "a variance past the bound though each figure is within it (found by the fuzz test)": (
        "variance.csv",
        _csv([_finance(budget="-0.2", forecast_outturn="1000")], FINANCE),
        "forecast_outturn − budget is £1,000.200m, not plausible for one service line",
        (None, 2, "variance"),
    ),
    "a target for a year already reported (#24)": (
        "pastyear.csv",
        _csv([_target(financial_year="2024/25", target="1")], TARGETS),
        "2024/25 ended on 31 March 2025: its quarters have been reported to Cabinet",
        (None, 2, "financial_year"),
    ),
    "missing column of the kind": (
        "missing.csv",
        _csv(
            [{"action_id": "asc_pa_workforce", "period": "2025/26 Q3", "status": "GREEN"}],
            ["action_id", "period", "status"],
        ),
        "missing column(s) percent_complete, narrative; an actions return needs",
        None,
    ),
    "two kinds of sheet in one workbook": (
        "two.xlsx",
        lambda path: _two_sheets(path),
        "sheets of more than one kind of return",
        None,
    ),
}


def _two_sheets(path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "commentary"
    book.active.append(COMMENTARY)
    book.create_sheet("actions").append(ACTIONS)
    book.save(path)


@pytest.fixture(scope="module")
def shared_data(built_data, tmp_path_factory):
    """One copy of the built data for every case (nothing may change it)."""
    folder = tmp_path_factory.mktemp("conversation-corpus") / "data"
    shutil.copytree(built_data[0], folder)
    return folder


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_is_refused_and_nothing_changes(case, shared_data, tmp_path):
    name, write, words, where = CASES[case]
    path = tmp_path / name
    write(path)
    before = digest(shared_data)
    result = ingest(Context.of(shared_data), [path], user="tester")
    report = result.files[0]
    assert not result.loaded and report.outcome == "rejected"
    assert digest(shared_data) == before
    matching = [issue for issue in report.errors if words in issue.message]
    assert matching, [str(i) for i in report.errors]
    issue = matching[0]
    assert issue.file == name
    if where is not None:
        assert (issue.sheet, issue.row, issue.column) == where
        assert str(issue).startswith(name + (f", sheet {where[0]!r}" if where[0] else "") + f", row {where[1]}")


def test_at_least_ten_distinct_faults():
    assert len({words for _, _, words, _ in CASES.values()}) >= 10


def test_a_good_row_beside_a_bad_one_loads_nothing(shared_data, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        csv_bytes([_action(), _action(action_id="asc_pa_cqc_quality_of_care", status="MAUVE")], header=ACTIONS)
    )
    before = digest(shared_data)
    held = len(ledger.read(ledger.ACTION_UPDATES, shared_data))
    assert not ingest(Context.of(shared_data), [path]).loaded
    assert digest(shared_data) == before and len(ledger.read(ledger.ACTION_UPDATES, shared_data)) == held


def test_html_and_links_are_text_not_errors(data_dir, tmp_path):
    hostile = '<script>alert(1)</script> [click](http://evil.example) ![x](http://evil.example/x.png) **bold**'
    path = tmp_path / "hostile.csv"
    path.write_bytes(csv_bytes([_commentary(narrative=hostile)], header=COMMENTARY))
    assert ingest(Context.of(data_dir), [path], user="t").loaded
    stored = ledger.read(ledger.COMMENTARY, data_dir).iloc[-1]
    assert stored["narrative"] == hostile  # kept exactly as written


def test_allow_partial_loads_the_good_updates_and_quarantines_the_rest(data_dir, tmp_path):
    path = tmp_path / "partial.csv"
    path.write_bytes(
        csv_bytes([_action(), _action(action_id="asc_pa_cqc_quality_of_care", status="MAUVE")], header=ACTIONS)
    )
    result = ingest(Context.of(data_dir), [path], allow_partial=True, user="t")
    report = result.files[0]
    assert result.loaded and report.outcome == "partial" and report.rows_accepted == 1
    assert ledger.read(ledger.ACTION_UPDATES, data_dir).iloc[-1]["action_id"] == "asc_pa_workforce"
    quarantined = Path(report.quarantine).read_text(encoding="utf-8")
    assert "MAUVE" in quarantined and "is not a status" in quarantined


def test_only_those_who_approve_record_an_approval(shared_data, tmp_path):
    """#24: an officer loaded a target marked approved by Cabinet, and ``set_by`` recorded "Cabinet"."""
    ctx = Context.of(shared_data)
    path = tmp_path / "approved.csv"
    path.write_bytes(csv_bytes([_target(approved_by="Cabinet", approved_on="2026-02-05")], header=TARGETS))
    before = digest(shared_data)
    report = ingest(ctx, [path], user="officer", may_approve=False).files[0]
    assert report.outcome == "rejected" and digest(shared_data) == before
    assert any("only a BI administrator records a target's approval" in i.message for i in report.errors)
    proposal = tmp_path / "proposed.csv"
    proposal.write_bytes(csv_bytes([_target()], header=TARGETS))
    assert ingest(ctx, [proposal], user="officer", may_approve=False, dry_run=True).files[0].errors == []


def test_an_approval_is_recorded_with_who_loaded_it(data_dir, tmp_path):
    path = tmp_path / "approved.csv"
    path.write_bytes(csv_bytes([_target(approved_by="Cabinet", approved_on="2026-02-05")], header=TARGETS))
    assert ingest(Context.of(data_dir), [path], user="bi.admin").loaded
    stored = ledger.read(ledger.TARGET_VERSIONS, data_dir).iloc[-1]
    assert (stored["set_by"], stored["approved_by"]) == ("bi.admin", "Cabinet")


def test_a_cell_shown_as_a_percentage_loads_as_shown(data_dir, tmp_path):
    """#24: an XLSX actions or targets cell shown as 50% (stored 0.5, format ``0%``) loaded as 0.5."""
    for name, sheet, row, header, columns in (
        ("actions.xlsx", "actions", _action(percent_complete=0.5), ACTIONS, ("percent_complete",)),
        ("targets.xlsx", "targets", _target(target=0.92, tolerance=0.02), TARGETS, ("target", "tolerance")),
    ):
        path = tmp_path / name
        _xlsx(sheet, [row], header)(path)
        book = openpyxl.load_workbook(path)
        for column in columns:
            book.active.cell(row=2, column=header.index(column) + 1).number_format = "0%"
        book.save(path)
        assert ingest(Context.of(data_dir), [path], user="bi").loaded
    update = ledger.read(ledger.ACTION_UPDATES, data_dir).iloc[-1]
    assert update["percent_complete"] == 50
    target = ledger.read(ledger.TARGET_VERSIONS, data_dir).iloc[-1]
    assert (target["value"], target["tolerance"]) == (92, 2)
