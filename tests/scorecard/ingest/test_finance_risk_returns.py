"""The finance (revenue budget monitoring) and risks returns: the council's own 2024/25 Q1 budget monitoring
loaded as real data, checked against the seed's table; bad rows refused with file, row and column, and
``data/`` left byte-identical; a good return is a new version, never an overwrite."""

from __future__ import annotations

import re
import shutil

import pytest
from _ingest_helpers import csv_bytes, digest

from scorecard import register
from scorecard.ingest import ingest
from scorecard.present import conversation
from scorecard.register import Context
from scorecard.store import ledger

SEED = register.DEFAULT_PATH.parents[1] / "shared" / "seeds" / "001_5a9339259cd50bf4.txt"
FINANCE = ["service_line", "period", "budget", "forecast_outturn", "variance", "commentary", "reference"]
RISKS = ["risk_id", "period", "title", "owner_role", "likelihood", "impact", "score", "linked_measures"]
RISKS += ["linked_actions"]
FIGURES = re.compile(
    r"^(?P<title>[A-Za-z&' -]+?)\t(?P<budget>-?[\d.]+)\t(?P<forecast>-?[\d.]+)\t(?P<variance>-?[\d.]+)$"
)


def _seed_table() -> dict[str, tuple[int, float, float, float]]:
    """Service line title → (line, budget, forecast outturn, variance) from the seed's paragraph 2.3 table."""
    if not SEED.is_file():
        pytest.skip(f"the council's documents are not at {SEED.parent}")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("2.3 The table below highlights"))
    out = {}
    for number, line in enumerate(lines[start : start + 25], start=start + 1):
        match = FIGURES.match(line)
        if match and not match["title"].startswith("Total"):
            out[match["title"]] = (number, float(match["budget"]), float(match["forecast"]), float(match["variance"]))
        if line.startswith("Total Service Net Expenditure"):
            break
    return out


def test_the_finance_return_is_the_seed_s_eleven_service_lines(built_data, real_register):
    seed = _seed_table()
    held = ledger.latest(ledger.read(ledger.FINANCE, built_data[0]), ledger.FINANCE).set_index("service_line")
    assert len(seed) == 11 and len(held) == 11 == len(real_register.service_lines)
    for line in real_register.service_lines:
        number, budget, forecast, variance = seed[line.title]
        row = held.loc[line.id]
        assert (row["budget"], row["forecast_outturn"], row["variance"]) == pytest.approx((budget, forecast, variance))
        assert row["period"] == "2024/25 Q1" and not row["illustrative"]
        assert "para 2.3" in row["reference"] and "Cabinet 25 July 2024" in row["reference"]
        assert "seed" not in row["reference"]  # the register keeps the seed line (below); members read the paper
        assert line.line == number
    assert held["variance"].sum() == pytest.approx(5.380)  # the seed's Total Service Net Expenditure variance


def test_the_shipped_risks_are_all_marked_illustrative(built_data):
    risks = ledger.read(ledger.RISKS, built_data[0])
    assert len(risks) >= 1 and risks["illustrative"].all()
    assert (risks["risk_id"].str.startswith("ILLUS-")).all()
    assert (risks["score"] == risks["likelihood"] * risks["impact"]).all()


@pytest.fixture(scope="module")
def shared_data(built_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("finance-risk-corpus") / "data"
    shutil.copytree(built_data[0], folder)
    return folder


def _finance(**fields) -> dict:
    return (
        {"service_line": "adult_social_care", "period": "2024/25 Q2", "budget": "121.738"}
        | {
            "forecast_outturn": "124.100",
            "variance": "2.362",
        }
        | fields
    )


def _risk(**fields) -> dict:
    base = {"risk_id": "CRR-07", "period": "2024/25 Q2", "title": "Demand exceeds the budget"}
    base |= {"owner_role": "Executive Director of Adult Social Care and Health", "likelihood": "4", "impact": "4"}
    return base | {"linked_measures": "asc_msp_outcomes_met_pct", "linked_actions": ""} | fields


CASES = {
    "unknown service line": ("f1.csv", [_finance(service_line="adult_care")], FINANCE, "adult_care", "service_line"),
    "budget not a number": ("f2.csv", [_finance(budget="lots")], FINANCE, "expected £ million", "budget"),
    "variance disagrees": (
        "f3.csv",
        [_finance(variance="9.999")],
        FINANCE,
        "is not forecast_outturn − budget",
        "variance",
    ),
    "no forecast": ("f4.csv", [_finance(forecast_outturn="")], FINANCE, "no figure", "forecast_outturn"),
    "likelihood off the scale": ("r1.csv", [_risk(likelihood="6")], RISKS, "whole number from 1 to 5", "likelihood"),
    "score not the product": ("r2.csv", [_risk(score="12")], RISKS, "is not likelihood × impact (16)", "score"),
    "unknown linked measure": (
        "r3.csv",
        [_risk(linked_measures="asc_no_such")],
        RISKS,
        "asc_no_such",
        "linked_measures",
    ),
    "linked to nothing": ("r4.csv", [_risk(linked_measures="")], RISKS, "at least one measure", "linked_measures"),
    "bad risk id": ("r5.csv", [_risk(risk_id="CRR 07!")], RISKS, "is not a risk id", "risk_id"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_bad_row_is_refused_with_file_row_and_column_and_nothing_changes(case, shared_data, tmp_path):
    name, rows, header, words, column = CASES[case]
    path = tmp_path / name
    path.write_bytes(csv_bytes([_finance() if header is FINANCE else _risk(), *rows], header=header))
    before = digest(shared_data)
    result = ingest(Context.of(shared_data), [path], user="tester")
    report = result.files[0]
    assert not result.loaded and report.outcome == "rejected"
    assert digest(shared_data) == before
    issue = next((i for i in report.errors if words in i.message), None)
    assert issue is not None, [str(i) for i in report.errors]
    assert (issue.file, issue.row, issue.column) == (name, 3, column)
    assert str(issue).startswith(f"{name}, row 3")


def test_a_later_forecast_is_a_new_version_and_the_quarter_reads_it(data_dir, tmp_path):
    path = tmp_path / "finance_q2.csv"
    path.write_bytes(csv_bytes([_finance(variance="")], header=FINANCE))
    assert ingest(Context.of(data_dir), [path], user="tester").loaded
    table = ledger.read(ledger.FINANCE, data_dir)
    assert len(table) == 12  # the Q1 return kept beside the new quarter's line
    q1, q2 = conversation.finance("2024/25 Q1", data_dir), conversation.finance("2024/25 Q2", data_dir)
    assert len(q1) == 11 and q1.set_index("service_line").loc["adult_social_care", "variance"] == pytest.approx(2.0)
    assert len(q2) == 1 and q2.iloc[0]["variance"] == pytest.approx(2.362)  # worked out: 124.100 − 121.738
