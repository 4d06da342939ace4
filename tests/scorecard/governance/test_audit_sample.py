"""The Audit team's yearly sample (#26 item 7): reproducible draws of real figures, each with its lineage."""

from __future__ import annotations

import pandas as pd
import pytest

from scorecard.__main__ import main
from scorecard.governance import audit_sample, workflow
from scorecard.ingest import ingest
from scorecard.register import Context
from scorecard.store import db, periods
from tests.scorecard.ingest._ingest_helpers import QUARTERLY, csv_bytes, row

YEAR = "2025/26"


def _sheet(sheet: pd.DataFrame, item: str) -> str:
    return sheet.set_index("item").at[item, "detail"]


def test_the_same_seed_draws_the_same_real_figures_of_the_year(built_data):
    folder = built_data[0]
    figures = audit_sample.population(Context.of(folder), YEAR)
    year = periods.parse_label(YEAR)
    assert len(figures) >= 10
    assert (figures["status"] != "illustrative").all()  # made-up figures are never sampled
    assert figures["period_end"].dt.date.between(year.start, year.end).all()
    assert figures["measure_id"].is_unique
    first, again = audit_sample.draw(figures, 5, seed=7), audit_sample.draw(figures, 5, seed=7)
    assert list(first["measure_id"]) == list(again["measure_id"]) and len(first) == 5
    assert list(audit_sample.draw(figures, 5, seed=8)["measure_id"]) != list(first["measure_id"])
    assert len(audit_sample.draw(figures, 10_000, seed=7)) == len(figures)  # never more than the population
    with pytest.raises(ValueError, match="at least 1"):
        audit_sample.draw(figures, 0, seed=7)
    with pytest.raises(ValueError, match="write it as '2025/26'"):
        audit_sample.population(Context.of(folder), "2025")


def test_lineage_of_a_public_extract_checks_the_file_against_its_hash(built_data, monkeypatch, tmp_path):
    folder = built_data[0]
    summary, sheets, held = audit_sample.workbook(Context.of(folder), YEAR, 100, 1)
    assert len(summary) == held == len(sheets)
    batches = pd.read_parquet(folder / "batches.parquet").set_index("batch_id")
    extract = next(
        m for m, b in zip(summary["measure_id"], summary["batch_id"]) if batches.at[b, "kind"] == "public extract"
    )
    sheet = sheets[extract]
    batch = batches.loc[summary.set_index("measure_id").at[extract, "batch_id"]]
    assert _sheet(sheet, "sha256 at load") == batch["sha256"]
    assert _sheet(sheet, "Publisher") == batch["publisher"] and _sheet(sheet, "Licence") == batch["licence"]
    assert _sheet(sheet, "File check now") == "Matches the hash recorded at load"
    assert _sheet(sheet, "Trail") == audit_sample.NO_WORKFLOW
    assert _sheet(sheet, "Revisions") == "None: the figure is as first loaded"
    changed = tmp_path / "changed.csv"
    changed.write_text("not the file that was loaded\n")
    monkeypatch.setattr(audit_sample, "_held", lambda file: changed)
    assert audit_sample._file_check(batch, folder).startswith("Differs: the file now hashes to ")
    monkeypatch.setattr(audit_sample, "_held", lambda file: None)
    assert audit_sample._file_check(batch, folder).startswith("Not held on this machine")


def test_a_revised_return_shows_who_loaded_it_and_the_value_it_replaced(data_dir, tmp_path, capsys):
    ctx = Context.of(data_dir)
    held = pd.read_parquet(data_dir / "observations.parquet")
    before = held[
        (held.measure_id == QUARTERLY) & (held.area_code == "E08000014") & (held.period_label == "2025/26 Q2")
    ]
    returned = tmp_path / "q2.csv"
    returned.write_bytes(csv_bytes([row(value="94.0")]))
    assert ingest(Context.of(data_dir), [returned], user="Performance officer").loaded
    workflow.take(ctx, "submit", QUARTERLY, "2025/26 Q2", "Service manager", "data_owner")
    workflow.take(ctx, "check", QUARTERLY, "2025/26 Q2", "BI analyst", "bi")
    db.reset()
    out = tmp_path / "sample.xlsx"
    assert (
        main(
            [
                "audit-sample",
                "--year",
                YEAR,
                "--size",
                "500",
                "--seed",
                "3",
                "--out",
                str(out),
                "--data-dir",
                str(data_dir),
            ]
        )
        == 0
    )
    assert "real figures, drawn with seed 3" in capsys.readouterr().out
    book = pd.read_excel(out, sheet_name=None, header=2)
    [name] = [n for n in book if n != "Sample" and QUARTERLY.startswith(n.split(" ", 1)[1])]  # "N id", cut to 31
    sheet = book[name]
    details = dict(zip(sheet["item"], sheet["detail"]))
    assert details["Loaded by"] == "Performance officer"
    assert details["Value"].startswith("94 ")
    assert details["File check now"].startswith("Original not kept; its accepted rows are in accepted")
    replaced = [d for item, d in details.items() if str(item).startswith("Replaced at")]
    assert replaced and replaced[0].startswith(f"{before['value'].iloc[0]:g} ")
    assert QUARTERLY in set(book["Sample"]["measure_id"])
    trail = sheet[sheet["section"] == "QA and sign-off"]
    assert list(trail["item"]) == ["2025/26 Q2: submit", "2025/26 Q2: check"]
    assert trail["detail"].iloc[1].startswith("checked, by BI analyst (bi) at ")
